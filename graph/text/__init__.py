"""Language-level text grammars used by the NLP stage: dates (`dates`) and counts of people
(`numbers`).

These modules know English, not the world: no place, person or fact about a particular
document is written here. They import neither spaCy nor rdflib (the spaCy stage uses them,
not the other way round) and are pure: the same input always gives the same output.
"""
