"""Views of one `Comparison`: each module formats the same facts for one audience."""
