"""Program templates: a program's design (modules, forms, questions, themes) without people."""
