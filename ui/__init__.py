"""Gradio tabs. Lays out components and binds callbacks; the work happens in workbench/engines."""
