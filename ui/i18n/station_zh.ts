<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
    <context>
        <name>Attract</name>
        <message>
            <source>Community health station</source>
            <translation>社区智慧健康驿站</translation>
        </message>
        <message>
            <source>Check your health in a few minutes</source>
            <translation>几分钟，查查您的健康</translation>
        </message>
        <message>
            <source>Blood pressure, weight, grip strength, lung capacity, balance and movement tests, with a report and exercise advice.</source>
            <translation>血压、体重、握力、肺活量、平衡和运动测试，并给您一份报告和运动建议。</translation>
        </message>
        <message>
            <source>Touch here to start</source>
            <translation>点这里开始</translation>
        </message>
        <message>
            <source>Your results are kept private. Staff can help you at any time.</source>
            <translation>您的结果会被保密。工作人员随时可以帮助您。</translation>
        </message>
        <message>
            <source>Staff</source>
            <translation>工作人员</translation>
        </message>
    </context>
    <context>
        <name>Main</name>
        <message>
            <source>Community health station</source>
            <translation>社区智慧健康驿站</translation>
        </message>
    </context>
    <context>
        <name>NumberPad</name>
        <message>
            <source>Delete</source>
            <translation>删除</translation>
        </message>
    </context>
    <context>
        <name>ScreenPage</name>
        <message>
            <source>Signed in: %1</source>
            <translation>已登录：%1</translation>
        </message>
        <message>
            <source>Switch language</source>
            <translation>切换语言</translation>
        </message>
        <message>
            <source>Voice: on</source>
            <translation>语音：开</translation>
        </message>
        <message>
            <source>Voice: off</source>
            <translation>语音：关</translation>
        </message>
        <message>
            <source>Close help</source>
            <translation>关闭帮助</translation>
        </message>
        <message>
            <source>Need help?</source>
            <translation>需要帮助？</translation>
        </message>
        <message>
            <source>Please ask a member of staff at the desk. They can help you with any step.</source>
            <translation>请找服务台的工作人员，每一步他们都可以帮您。</translation>
        </message>
        <message>
            <source>Are you still there? This session will close in %1 seconds to protect your privacy.</source>
            <translation>您还在吗？为保护您的隐私，本次检测将在 %1 秒后结束。</translation>
        </message>
        <message>
            <source>I'm still here</source>
            <translation>我还在</translation>
        </message>
    </context>
    <context>
        <name>StaffExit</name>
        <message>
            <source>Close the station</source>
            <translation>关闭驿站程序</translation>
        </message>
        <message>
            <source>Back to start</source>
            <translation>回到首页</translation>
        </message>
        <message>
            <source>Staff only. Choose your name and type your PIN to leave kiosk mode.</source>
            <translation>仅限工作人员。选择您的名字并输入密码，退出自助模式。</translation>
        </message>
    </context>
    <context>
        <name>StaffSignIn</name>
        <message>
            <source>Staff sign-in</source>
            <translation>工作人员登录</translation>
        </message>
        <message>
            <source>Back to start</source>
            <translation>回到首页</translation>
        </message>
        <message>
            <source>1. Mode</source>
            <translation>1. 模式</translation>
        </message>
        <message>
            <source>Doctor</source>
            <translation>医生</translation>
        </message>
        <message>
            <source>Technician</source>
            <translation>技术员</translation>
        </message>
        <message>
            <source>2. Your name</source>
            <translation>2. 您的名字</translation>
        </message>
        <message>
            <source>No staff account for this mode yet. Add one with: kiosk staff add</source>
            <translation>此模式还没有工作人员账号。请用 kiosk staff add 添加。</translation>
        </message>
        <message>
            <source>3. Type your PIN, then</source>
            <translation>3. 输入密码，然后</translation>
        </message>
        <message>
            <source>Sign in</source>
            <translation>登录</translation>
        </message>
    </context>
    <context>
        <name>Station</name>
        <message>
            <source>Are you still there? Touch the screen to continue.</source>
            <translation>您还在吗？请点一下屏幕继续。</translation>
        </message>
        <message>
            <source>Too many wrong PINs. This account is locked for five minutes.</source>
            <translation>密码错误次数太多，此账号锁定五分钟。</translation>
        </message>
        <message>
            <source>That name or PIN was not accepted.</source>
            <translation>名字或密码不正确。</translation>
        </message>
        <message>
            <source>That PIN was not accepted. Tries left before a five-minute lock: %1</source>
            <translation>密码不正确。再错 %1 次将锁定五分钟。</translation>
        </message>
        <message>
            <source>Sign-in is not possible right now. Please try again.</source>
            <translation>现在无法登录，请再试一次。</translation>
        </message>
        <message>
            <source>This account cannot open that mode.</source>
            <translation>此账号不能进入该模式。</translation>
        </message>
    </context>
</TS>