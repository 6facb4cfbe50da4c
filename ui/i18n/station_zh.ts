<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Attract</name>
    <message>
        <source>Community health station</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check your health in a few minutes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blood pressure, weight, grip strength, lung capacity, balance and movement tests, with a report and exercise advice.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Touch here to start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your results are kept private. Staff can help you at any time.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Staff</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Community health station</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NumberPad</name>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ScreenPage</name>
    <message>
        <source>Signed in: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switch language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Voice: on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Voice: off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Need help?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Please ask a member of staff at the desk. They can help you with any step.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Are you still there? This session will close in %1 seconds to protect your privacy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>I&apos;m still here</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StaffExit</name>
    <message>
        <source>Close the station</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Staff only. Choose your name and type your PIN to leave kiosk mode.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StaffSignIn</name>
    <message>
        <source>Staff sign-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back to start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1. Mode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Doctor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Technician</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>2. Your name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No staff account for this mode yet. Add one with: kiosk staff add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>3. PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Station</name>
    <message>
        <source>Are you still there? Touch the screen to continue.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Too many wrong PINs. This account is locked for five minutes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That name or PIN was not accepted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That PIN was not accepted. Tries left before a five-minute lock: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-in is not possible right now. Please try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This account cannot open that mode.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
