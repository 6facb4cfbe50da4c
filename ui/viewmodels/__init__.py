"""View-models: Qt objects that QML binds to. They hold state and call the core; QML holds no logic."""
