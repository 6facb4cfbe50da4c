"""Device drivers: transports, protocol codecs, device classes, calibration and simulators."""
