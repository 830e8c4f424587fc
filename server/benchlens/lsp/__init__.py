"""The benchlens language server: results shown as diagnostics, code lenses and hovers.

The modules here only translate: the core (`compare`, `views.findings`,
`views.facts`, `views.hover`) decides what is said and where; this package turns
it into lsprotocol types, registers handlers and schedules the work.
"""
