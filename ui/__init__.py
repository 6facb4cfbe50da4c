"""The Qt Quick touch interface and its view-models."""
