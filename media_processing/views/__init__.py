"""The footage pages, one module per sub-domain; `streaming` serves files by range."""
