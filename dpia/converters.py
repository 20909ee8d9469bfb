class ReferenceConverter:
    """An assessment reference such as DPIA-2026-0001 (so it never shadows other DPIA pages)."""

    regex = r"DPIA-\d{4}-\d{4,}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
