"""refoulement-kg: a knowledge graph of forced returns of North Koreans, with provenance."""

__version__ = "0.1.0"
