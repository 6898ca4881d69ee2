"""recruitwatch: a sourced, checkable database of military recruitment offers and figures."""

__version__ = "0.1.0"
