"""What an organisation states to the public: records of processing (art. 30), the privacy notice
(art. 13) and the accessibility statement (lag 2018:1937)."""
