"""Reports and exchange formats (Markdown, CSV, ICS, JSON): they use the store and the model, never the UI."""
