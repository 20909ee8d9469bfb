"""The staff pages of data subject requests: the list and dashboard (`tickets`), the
steps (`actions`), the letters, photo and re-identification (`files`), the metrics."""
