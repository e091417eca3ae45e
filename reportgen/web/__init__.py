"""The browser's way in: ``reportgen serve`` (the secretary's page) and ``reportgen
preview`` (the author's live view). Imported by the CLI only when those commands run."""
