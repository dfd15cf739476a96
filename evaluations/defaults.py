"""The default Swedish evaluation form and effect themes.

These are content, not interface text: HR edits them per module and program,
and what is stored is what participants see.
"""

LOW_LABEL = "Instämmer inte alls"
HIGH_LABEL = "Instämmer helt"

# (kind, text, allow_comment)
SCALE_QUESTIONS = (
    ("scale", "Modulens innehåll var relevant för mitt uppdrag som chef.", True),
    ("scale", "Jag har fått verktyg som jag kan pröva och tillämpa i min vardag som chef.", True),
    ("scale", "Processledarna skapade ett gott lärandeklimat i gruppen.", False),
    ("scale", "Det fanns tillräckligt med tid för reflektion och erfarenhetsutbyte.", False),
    ("scale", "Sammantaget är jag nöjd med modulen.", True),
)
TEXT_QUESTIONS = (
    ("text", "Vad tar du med dig från modulen till din vardag som chef?", False),
    ("text", "Vad kan göras bättre till nästa grupp?", False),
)
DEFAULT_QUESTIONS = SCALE_QUESTIONS + TEXT_QUESTIONS

# From the brochure: the three recurring themes of "Spåra effekter av SVC".
EFFECT_THEMES = (
    "Ökad helhetssyn i chefsrollen",
    "Tydligare chefer och säkrare beslut",
    "Bättre på att leda förändring",
)
