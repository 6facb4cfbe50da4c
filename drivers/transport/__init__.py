"""Byte transports the drivers read devices through (serial; BLE lives in drivers/ble)."""
