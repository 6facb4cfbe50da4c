"""BLE: the GATT-client interface the drivers use, over bleak or an in-process fake peer."""
