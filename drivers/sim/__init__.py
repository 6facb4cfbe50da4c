"""Device simulators: the same bytes as the real devices, over a pseudo-terminal or a fake GATT peer."""
