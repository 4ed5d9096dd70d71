"""The pieces of reading a document that are not about its text: metadata (YAML loaded as
strings and validated), bytes to text (any common encoding), file formats (PDF, Word) and the
language. `graph.reading` puts them together."""
