"""The names the app gives its engines (menu labels, keys of `Services.engines`, the Engine column
of every export), apart from the engines themselves so that a command can name them without
importing torch."""

LOCAL = "System B · local model"
REMOTE = "System A · remote MoE"
PIPELINE = "System B · router + local model"
