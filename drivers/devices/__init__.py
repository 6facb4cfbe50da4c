"""Device drivers: one class per device kind and transport, each implementing ``drivers.base.Device``."""
