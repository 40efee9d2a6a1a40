"""Engines turn a chat request into a stream of reasoning and answer tokens. No UI here."""
