"""Analysis that is neither UI nor engine: settings, comparison, language, refusal, export."""
