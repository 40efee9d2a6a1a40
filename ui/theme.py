"""The page's theme: Gradio's Soft, with its text colours darkened where they fell short of WCAG
AA's contrast (4.5:1 for text) — the labels' indigo on their pale indigo (3.6:1), the white on
primary buttons and picked options (4.5:1 by a hair less), the grey of placeholders, notes under
controls and the footer (2.5:1). The Soft look is kept: the same hues, a shade or two darker.
tests/ui/test_browser_accessibility.py checks every tab, light and dark, with axe-core."""

from __future__ import annotations

import gradio as gr


def workbench_theme() -> gr.themes.Base:
    return gr.themes.Soft().set(
        block_label_text_color="*primary_700",  # on *primary_100: 6.4:1
        block_title_text_color="*primary_700",
        color_accent="*primary_600",  # table titles, the upload area's text: 6.3:1 on white
        button_primary_background_fill="*primary_600",  # under white text: 6.3:1
        button_primary_background_fill_hover="*primary_700",
        button_primary_background_fill_hover_dark="*primary_700",
        checkbox_label_background_fill_selected="*primary_600",
        body_text_color_subdued="*neutral_500",  # 4.8:1 on white
        body_text_color_subdued_dark="*neutral_300",  # a menu with nothing picked: 7.0:1 on *neutral_700
        input_placeholder_color="*neutral_500",
        input_placeholder_color_dark="*neutral_300",  # on *neutral_700: 7.0:1
    )
