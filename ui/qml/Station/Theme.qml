pragma Singleton
import QtQuick

// Sizes and colours for older users (MIIT 2021): body text >= 18 pt, targets >= 60 px, contrast >= 4.5:1.
// Every colour pair used for text here is >= 7:1 except `muted` on `page` (5.7:1).
QtObject {
    readonly property int bodySize: 28        // px; 21 pt at 96 dpi
    readonly property int smallSize: 24       // px; 18 pt, the smallest text on any screen
    readonly property int headingSize: 40
    readonly property int titleSize: 56
    readonly property int hugeSize: 96        // live numbers (cuff pressure, rep count)
    readonly property int touchMin: 80        // px; above the 60 px minimum for shaky hands
    readonly property int buttonHeight: 96
    readonly property int gap: 24
    readonly property int margin: 40
    readonly property int radius: 14

    readonly property color page: "#F5F7FA"
    readonly property color panel: "#FFFFFF"
    readonly property color ink: "#14181F"       // 17:1 on page
    readonly property color muted: "#4A5563"     // 7.3:1 on page
    readonly property color primary: "#0B4F9C"   // white on it: 8.3:1
    readonly property color primaryInk: "#FFFFFF"
    readonly property color secondary: "#E3E8EF"
    readonly property color danger: "#A3161D"    // white on it: 7.6:1
    readonly property color ok: "#17692A"        // white on it: 6.6:1
    readonly property color warn: "#7A4100"      // white on it: 7.9:1
    readonly property color warnBack: "#FFF2CC"
    readonly property color line: "#8794A6"
    readonly property string fontFamily: "Noto Sans CJK SC"
}
