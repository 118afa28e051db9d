"""The desktop client's Qt layer: the only package (with ``webcare.app``) that imports PySide6."""
