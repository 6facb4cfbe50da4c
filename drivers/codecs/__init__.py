"""Pure protocol codecs: bytes in, frozen messages out (or a CodecError); no I/O anywhere in here."""
