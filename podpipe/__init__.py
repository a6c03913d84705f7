"""podpipe: from raw interview recordings to a published podcast, locally."""

__version__ = "0.1.0"
