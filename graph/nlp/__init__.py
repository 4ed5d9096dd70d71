"""The NLP stage: a spaCy pipeline whose custom components only annotate the Doc."""
