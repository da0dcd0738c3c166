"""calcify: an expert-system consultant for pathologic calcification."""

__version__ = "0.1.0"
