"""Camera capture, pose estimation, landmark filtering and exercise analysers."""
