"""Use cases of the footage library; the one place that writes its rows."""
