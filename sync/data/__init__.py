"""Data files of the sync wing (observation codes); a package so the wheel ships them."""
