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
        <name>CalibrationText</name>
        <message>
            <source>Take everything off the grip handle and put the dynamometer on its stand.</source>
            <translation>取下握力计手柄上的所有物品，把握力计放到支架上。</translation>
        </message>
        <message>
            <source>Hang the {mass} kg calibration mass on the handle and let it settle.</source>
            <translation>把 {mass} 千克校准砝码挂到手柄上，等它稳定。</translation>
        </message>
        <message>
            <source>Connect the 3.00-L calibration syringe and push it through in one smooth stroke (stroke {stroke} of {strokes}; vary the speed between strokes).</source>
            <translation>接上 3.00 升校准定标筒，平稳地一次推到底（第 {stroke} 次，共 {strokes} 次；每次推的速度要有变化）。</translation>
        </message>
        <message>
            <source>Clear the platform completely; nobody touches it.</source>
            <translation>把平衡台上的东西全部拿走，任何人都不要碰它。</translation>
        </message>
        <message>
            <source>Place the {mass} kg mass on the mark at x = {x} mm, y = {y} mm.</source>
            <translation>把 {mass} 千克砝码放在 x = {x} 毫米、y = {y} 毫米的标记上。</translation>
        </message>
        <message>
            <source>Pump the cuff until the reference manometer reads {pressure} mmHg, and hold.</source>
            <translation>给袖带打气，直到标准压力计读数为 {pressure} 毫米汞柱，然后保持不动。</translation>
        </message>
    </context>
    <context>
        <name>CameraTest</name>
        <message>
            <source>The camera only counts your movements. No picture is stored.</source>
            <translation>摄像头只数您的动作，不保存任何画面。</translation>
        </message>
        <message>
            <source>Stop the test</source>
            <translation>停止测试</translation>
        </message>
        <message>
            <source>Get ready</source>
            <translation>准备好</translation>
        </message>
        <message>
            <source>I am ready</source>
            <translation>我准备好了</translation>
        </message>
        <message>
            <source>Starting the camera…</source>
            <translation>正在打开摄像头…</translation>
        </message>
        <message>
            <source>Counting is paused</source>
            <translation>计数已暂停</translation>
        </message>
        <message>
            <source>Let the camera see you</source>
            <translation>请让摄像头看到您</translation>
        </message>
        <message>
            <source>The test starts by itself when I can see you well.</source>
            <translation>看清您以后，测试会自动开始。</translation>
        </message>
        <message>
            <source>Timed Up-and-Go</source>
            <translation>起立行走计时</translation>
        </message>
        <message>
            <source>8-foot up-and-go</source>
            <translation>8英尺起立行走</translation>
        </message>
        <message>
            <source>Five-times sit-to-stand</source>
            <translation>五次起坐</translation>
        </message>
        <message>
            <source>2-minute step</source>
            <translation>2分钟原地高抬腿</translation>
        </message>
        <message>
            <source>Walking speed</source>
            <translation>步速</translation>
        </message>
        <message>
            <source>Balance: feet side by side</source>
            <translation>平衡：并脚站立</translation>
        </message>
        <message>
            <source>Balance: semi-tandem stand</source>
            <translation>平衡：半前后脚站立</translation>
        </message>
        <message>
            <source>Balance: tandem stand</source>
            <translation>平衡：前后脚站立</translation>
        </message>
        <message>
            <source>Balance: stand on one leg</source>
            <translation>平衡：单脚站立</translation>
        </message>
        <message>
            <source>The marker is 3 metres in front of the chair.</source>
            <translation>标志物在椅子前方3米处。</translation>
        </message>
        <message>
            <source>The marker is 8 feet (2.44 metres) in front of the chair.</source>
            <translation>标志物在椅子前方8英尺（2.44米）处。</translation>
        </message>
        <message>
            <source>Sit back in the chair, with your side to the screen.</source>
            <translation>靠坐在椅子上，身体侧面对着屏幕。</translation>
        </message>
        <message>
            <source>When I say Go, stand up, walk at your usual pace to the marker, turn, walk back and sit down.</source>
            <translation>听到“开始”后，站起来，用平时的速度走到标志物处，转身，走回来坐下。</translation>
        </message>
        <message>
            <source>Use your walking aid if you have one. Walk safely, do not rush.</source>
            <translation>如平时使用助行器，请照常使用。注意安全，不要着急。</translation>
        </message>
        <message>
            <source>Sit in the middle of the chair, with your side to the screen.</source>
            <translation>坐在椅子中间，身体侧面对着屏幕。</translation>
        </message>
        <message>
            <source>When I say Go, stand up fully and sit down five times, as quickly as you safely can.</source>
            <translation>听到“开始”后，在安全的前提下尽快完全站起、坐下，共五次。</translation>
        </message>
        <message>
            <source>The clock stops when you stand up straight the fifth time.</source>
            <translation>第五次站直时停止计时。</translation>
        </message>
        <message>
            <source>Stand facing the screen, about two and a half metres away, next to a wall or chair you can hold.</source>
            <translation>面向屏幕站在约两米半远处，身旁有可扶的墙或椅子。</translation>
        </message>
        <message>
            <source>Stand still for a moment while I find how high your knees should go.</source>
            <translation>请先站着别动，我来确定膝盖要抬到的高度。</translation>
        </message>
        <message>
            <source>When I say Go, step in place for two minutes, lifting each knee halfway up to your hip.</source>
            <translation>听到“开始”后，原地踏步两分钟，每次把膝盖抬到膝与髋之间一半的高度。</translation>
        </message>
        <message>
            <source>A step counts when your right knee reaches that height. You may rest and carry on.</source>
            <translation>右膝达到该高度才计数。可以休息后继续。</translation>
        </message>
        <message>
            <source>Stand behind the first line on the floor, with your side to the screen.</source>
            <translation>站在地上第一条线后面，身体侧面对着屏幕。</translation>
        </message>
        <message>
            <source>When I say Go, walk at your usual pace past the far line.</source>
            <translation>听到“开始”后，用平时的速度走过远处那条线。</translation>
        </message>
        <message>
            <source>Walk as you normally do, with your walking aid if you use one.</source>
            <translation>像平时一样走路，如使用助行器请照常使用。</translation>
        </message>
        <message>
            <source>Timing starts at the first line and stops at the far line.</source>
            <translation>越过第一条线开始计时，越过远处那条线停止计时。</translation>
        </message>
        <message>
            <source>Put your feet together, side by side.</source>
            <translation>双脚并拢，并排站立。</translation>
        </message>
        <message>
            <source>Put the heel of one foot beside the big toe of the other.</source>
            <translation>一只脚的脚跟放在另一只脚的大脚趾旁边。</translation>
        </message>
        <message>
            <source>Put one foot directly in front of the other, heel touching toe.</source>
            <translation>一只脚放在另一只脚的正前方，脚跟贴着脚尖。</translation>
        </message>
        <message>
            <source>Lift one foot off the floor and stand on the other.</source>
            <translation>抬起一只脚，用另一只脚站立。</translation>
        </message>
        <message>
            <source>Stand facing the screen, arms by your sides.</source>
            <translation>面向屏幕站立，双臂自然放在身体两侧。</translation>
        </message>
        <message>
            <source>Stand with your side to the screen, arms by your sides.</source>
            <translation>身体侧面对着屏幕站立，双臂自然放在身体两侧。</translation>
        </message>
        <message>
            <source>Stand still without holding on. I time up to 10 seconds.</source>
            <translation>不扶任何东西，站稳不动。最多计时10秒。</translation>
        </message>
        <message>
            <source>Staff may help you into position. If you need to hold on, the test ends there.</source>
            <translation>工作人员可以帮您摆好姿势。如果需要扶东西，测试就在那时结束。</translation>
        </message>
        <message>
            <source>steps</source>
            <translation>步</translation>
        </message>
        <message>
            <source>seconds</source>
            <translation>秒</translation>
        </message>
        <message>
            <source>Your right knee reached the height %1 times.</source>
            <translation>您的右膝达到规定高度%1次。</translation>
        </message>
        <message>
            <source>Your walking speed: %1 metres a second.</source>
            <translation>您的步速：每秒%1米。</translation>
        </message>
        <message>
            <source>Five stands took %1 seconds.</source>
            <translation>五次起坐用时%1秒。</translation>
        </message>
        <message>
            <source>You took %1 seconds.</source>
            <translation>您用时%1秒。</translation>
        </message>
        <message>
            <source>You held the position for %1 seconds.</source>
            <translation>您保持了该姿势%1秒。</translation>
        </message>
        <message>
            <source>I did not see you seated in the chair at Go, so there is no time. You can try again.</source>
            <translation>说“开始”时我没有看到您坐在椅子上，所以没有成绩。您可以再试一次。</translation>
        </message>
        <message>
            <source>I did not see you start behind the first line, so there is no time. You can try again.</source>
            <translation>我没有看到您从第一条线后面出发，所以没有成绩。您可以再试一次。</translation>
        </message>
        <message>
            <source>I did not see your feet in the position, so there is no time. You can try again, or stop here.</source>
            <translation>我没有看到您的双脚摆成要求的姿势，所以没有成绩。您可以再试一次，也可以到此为止。</translation>
        </message>
        <message>
            <source>I did not see you walk to the marker and sit back down, so there is no time. You can try again.</source>
            <translation>我没有看到您走到标志物处再坐回椅子，所以没有成绩。您可以再试一次。</translation>
        </message>
        <message>
            <source>I did not see five full stands, so there is no time. You can try again.</source>
            <translation>我没有看到五次完全站起，所以没有成绩。您可以再试一次。</translation>
        </message>
        <message>
            <source>I did not see you cross the far line, so there is no time. You can try again.</source>
            <translation>我没有看到您走过远处那条线，所以没有成绩。您可以再试一次。</translation>
        </message>
        <message>
            <source>Walk to the marker at your usual pace.</source>
            <translation>用平时的速度走到标志物处。</translation>
        </message>
        <message>
            <source>Turn and walk back to the chair.</source>
            <translation>转身，走回椅子。</translation>
        </message>
        <message>
            <source>Please sit in the chair before we start.</source>
            <translation>开始前请先坐在椅子上。</translation>
        </message>
        <message>
            <source>You sat down before walking to the marker.</source>
            <translation>您在走到标志物之前就坐下了。</translation>
        </message>
        <message>
            <source>I have found the height for your knees. Wait for Go.</source>
            <translation>已确定膝盖要抬到的高度。请等“开始”。</translation>
        </message>
        <message>
            <source>Lift your knee a little higher.</source>
            <translation>膝盖再抬高一点。</translation>
        </message>
        <message>
            <source>Timing started.</source>
            <translation>开始计时。</translation>
        </message>
        <message>
            <source>Good. Hold still.</source>
            <translation>很好，保持不动。</translation>
        </message>
        <message>
            <source>I lost sight of your feet. Take the position again.</source>
            <translation>我看不到您的双脚了。请重新摆好姿势。</translation>
        </message>
        <message>
            <source>%1 seconds left</source>
            <translation>还剩 %1 秒</translation>
        </message>
        <message>
            <source>Start now</source>
            <translation>现在开始</translation>
        </message>
        <message>
            <source>Finished. Well done!</source>
            <translation>完成了，做得好！</translation>
        </message>
        <message>
            <source>No score this time</source>
            <translation>这次没有成绩</translation>
        </message>
        <message>
            <source>Try again</source>
            <translation>再试一次</translation>
        </message>
        <message>
            <source>Continue</source>
            <translation>继续</translation>
        </message>
        <message>
            <source>Go!</source>
            <translation>开始！</translation>
        </message>
        <message>
            <source>Finished. Well done.</source>
            <translation>完成了，做得很好。</translation>
        </message>
        <message>
            <source>30-second chair stand</source>
            <translation>30秒坐站测试</translation>
        </message>
        <message>
            <source>30-second arm curl</source>
            <translation>30秒手臂弯举</translation>
        </message>
        <message>
            <source>Squats for 30 seconds</source>
            <translation>30秒深蹲</translation>
        </message>
        <message>
            <source>Movement test</source>
            <translation>运动测试</translation>
        </message>
        <message>
            <source>Put the chair against the wall, with its side to the screen.</source>
            <translation>把椅子靠墙放好，侧面对着屏幕。</translation>
        </message>
        <message>
            <source>Sit in the middle of the chair, feet flat on the floor.</source>
            <translation>坐在椅子中间，双脚平放在地上。</translation>
        </message>
        <message>
            <source>Cross your arms on your chest.</source>
            <translation>双手交叉放在胸前。</translation>
        </message>
        <message>
            <source>When I say Go, stand up fully and sit down again, as often as you can.</source>
            <translation>听到“开始”后，完全站起再坐下，尽量多做。</translation>
        </message>
        <message>
            <source>Sit on the chair with your side to the screen.</source>
            <translation>坐在椅子上，侧身对着屏幕。</translation>
        </message>
        <message>
            <source>Hold the weight in the hand nearest the screen, arm hanging down.</source>
            <translation>靠近屏幕的手拿哑铃，手臂自然下垂。</translation>
        </message>
        <message>
            <source>Keep your upper arm still against your body.</source>
            <translation>上臂贴紧身体，不要动。</translation>
        </message>
        <message>
            <source>When I say Go, lift the weight to your shoulder and lower it fully, again and again.</source>
            <translation>听到“开始”后，把哑铃举到肩膀，再完全放下，反复做。</translation>
        </message>
        <message>
            <source>Stand facing the screen, about two and a half metres away.</source>
            <translation>面对屏幕站好，离屏幕大约两米半。</translation>
        </message>
        <message>
            <source>Put your feet shoulder-width apart.</source>
            <translation>双脚分开，与肩同宽。</translation>
        </message>
        <message>
            <source>Hold your arms out in front of you.</source>
            <translation>双臂向前平举。</translation>
        </message>
        <message>
            <source>When I say Go, bend your knees as if to sit, then stand up. Repeat.</source>
            <translation>听到“开始”后，弯腿像要坐下，再站起来，反复做。</translation>
        </message>
        <message>
            <source>stands</source>
            <translation>次起立</translation>
        </message>
        <message>
            <source>curls</source>
            <translation>次弯举</translation>
        </message>
        <message>
            <source>squats</source>
            <translation>个深蹲</translation>
        </message>
        <message>
            <source>You did %1 full stands.</source>
            <translation>您完整站起了 %1 次。</translation>
        </message>
        <message>
            <source>You did %1 full curls.</source>
            <translation>您完整举起了 %1 次。</translation>
        </message>
        <message>
            <source>You did %1 squats.</source>
            <translation>您做了 %1 个深蹲。</translation>
        </message>
        <message>
            <source>I did not see you start sitting on the chair, so there is no score. You can try again.</source>
            <translation>我没有看到您从坐在椅子上开始，所以这次没有成绩。您可以再试一次。</translation>
        </message>
        <message>
            <source>I could not see you during the test, so there is no score. You can try again.</source>
            <translation>测试中我没有看到您，所以这次没有成绩。您可以再试一次。</translation>
        </message>
        <message>
            <source>I could not see you for most of the test, so there is no score. You can try again.</source>
            <translation>测试中大部分时间我看不到您，所以这次没有成绩。您可以再试一次。</translation>
        </message>
        <message>
            <source>I did not see you in the starting position, so there is no score. You can try again.</source>
            <translation>我没有看到您的起始姿势，所以这次没有成绩。您可以再试一次。</translation>
        </message>
        <message>
            <source>The test stopped before the time was up, so there is no score. You can try again.</source>
            <translation>时间还没到测试就停了，所以这次没有成绩。您可以再试一次。</translation>
        </message>
        <message>
            <source>The camera had a problem, so there is no score. You can try again, or ask a member of staff.</source>
            <translation>摄像头出了问题，所以这次没有成绩。您可以再试一次，或请工作人员帮忙。</translation>
        </message>
        <message>
            <source>The test did not run to the end, so there is no score. You can try again.</source>
            <translation>测试没有完整进行，所以这次没有成绩。您可以再试一次。</translation>
        </message>
        <message>
            <source>Good, hold that position.</source>
            <translation>很好，保持这个姿势。</translation>
        </message>
        <message>
            <source>Please stand in front of the camera.</source>
            <translation>请站到摄像头前面。</translation>
        </message>
        <message>
            <source>Only one person in front of the camera, please.</source>
            <translation>摄像头前请只留一个人。</translation>
        </message>
        <message>
            <source>Please take a step back.</source>
            <translation>请往后退一步。</translation>
        </message>
        <message>
            <source>Please come a little closer.</source>
            <translation>请再往前走一点。</translation>
        </message>
        <message>
            <source>Please move a little to your left.</source>
            <translation>请往您的左边挪一点。</translation>
        </message>
        <message>
            <source>Please move a little to your right.</source>
            <translation>请往您的右边挪一点。</translation>
        </message>
        <message>
            <source>Please make sure your head is in the picture.</source>
            <translation>请让头部露在画面里。</translation>
        </message>
        <message>
            <source>Please make sure your feet are in the picture.</source>
            <translation>请让双脚露在画面里。</translation>
        </message>
        <message>
            <source>Please keep your arms in the picture.</source>
            <translation>请让双臂留在画面里。</translation>
        </message>
        <message>
            <source>Please sit on the chair to begin.</source>
            <translation>请坐到椅子上，准备开始。</translation>
        </message>
        <message>
            <source>Please stand up straight to begin.</source>
            <translation>请站直，准备开始。</translation>
        </message>
        <message>
            <source>It is too dark. Please turn on more light.</source>
            <translation>太暗了，请多开几盏灯。</translation>
        </message>
        <message>
            <source>It is too bright. Please close the curtain.</source>
            <translation>太亮了，请拉上窗帘。</translation>
        </message>
        <message>
            <source>Please avoid a bright window behind you.</source>
            <translation>请不要背对明亮的窗户。</translation>
        </message>
        <message>
            <source>Part of your body is hidden. Please make sure all of you can be seen.</source>
            <translation>身体有一部分被挡住了，请让全身都露出来。</translation>
        </message>
        <message>
            <source>I can see you well now.</source>
            <translation>现在看清楚您了。</translation>
        </message>
        <message>
            <source>I can see you again. Counting goes on.</source>
            <translation>又看到您了，继续计数。</translation>
        </message>
        <message>
            <source>I can't see you. Please step back into view.</source>
            <translation>看不到您了，请回到画面里。</translation>
        </message>
        <message>
            <source>I can't see all of you. Please step back into view.</source>
            <translation>看不全您，请回到画面里。</translation>
        </message>
        <message>
            <source>Part of your body is hidden. Please step back into view.</source>
            <translation>身体有一部分被挡住了，请回到画面里。</translation>
        </message>
        <message>
            <source>The camera picture stopped. Counting waits until it is back.</source>
            <translation>摄像头画面中断了，恢复后再继续计数。</translation>
        </message>
        <message>
            <source>Please stand up all the way each time.</source>
            <translation>每次请完全站直。</translation>
        </message>
        <message>
            <source>Please wait for Go.</source>
            <translation>请等“开始”后再做。</translation>
        </message>
        <message>
            <source>Bring the weight all the way up.</source>
            <translation>请把哑铃一直举到肩膀。</translation>
        </message>
        <message>
            <source>Keep your arms crossed on your chest.</source>
            <translation>双手请一直交叉在胸前。</translation>
        </message>
        <message>
            <source>Try to stand up without swinging forward.</source>
            <translation>站起时尽量不要向前甩身子。</translation>
        </message>
        <message>
            <source>Lower your arm all the way each time.</source>
            <translation>每次请把手臂完全放下。</translation>
        </message>
        <message>
            <source>Keep your knees in line with your toes.</source>
            <translation>膝盖和脚尖朝同一方向。</translation>
        </message>
        <message>
            <source>Keep your heels on the floor.</source>
            <translation>脚跟不要离地。</translation>
        </message>
        <message>
            <source>Keep your chest up.</source>
            <translation>请挺起胸。</translation>
        </message>
        <message>
            <source>Good squat.</source>
            <translation>蹲得好。</translation>
        </message>
        <message>
            <source>Try to go a little deeper.</source>
            <translation>试着再蹲低一点。</translation>
        </message>
        <message>
            <source>Watch your form on the next one.</source>
            <translation>下一个注意动作。</translation>
        </message>
        <message>
            <source>You chose not to use the camera, so camera tests are not offered. You can do the other tests.</source>
            <translation>您选择了不用摄像头，所以不做摄像头测试。其他测试都可以做。</translation>
        </message>
        <message>
            <source>From your safety answers, this test is not for today. Please ask a member of staff.</source>
            <translation>根据您对安全问题的回答，今天不宜做这项测试。请找工作人员。</translation>
        </message>
        <message>
            <source>This station has no camera, so camera tests are not available. Please ask a member of staff.</source>
            <translation>本驿站没有摄像头，不能做摄像头测试。请找工作人员。</translation>
        </message>
        <message>
            <source>The camera is not working right now. Please ask a member of staff.</source>
            <translation>摄像头现在不能用。请找工作人员。</translation>
        </message>
        <message>
            <source>Your result could not be saved. Please ask a member of staff.</source>
            <translation>您的结果没能保存。请找工作人员。</translation>
        </message>
        <message>
            <source>The walking course has not been set up on this station yet. Please ask a member of staff.</source>
            <translation>本站还没有设置步行路线。请找工作人员。</translation>
        </message>
        <message>
            <source>This test is not available right now. Please ask a member of staff.</source>
            <translation>这项测试现在不能做。请找工作人员。</translation>
        </message>
    </context>
    <context>
        <name>Consent</name>
        <message>
            <source>Your permission</source>
            <translation>征求您的同意</translation>
        </message>
        <message>
            <source>Please answer two questions: may the station keep your results, and may it use the camera.</source>
            <translation>请回答两个问题：能否保存您的结果，能否使用摄像头。</translation>
        </message>
        <message>
            <source>You can say no to the camera and still do every other test.</source>
            <translation>不同意用摄像头，也可以做其他所有测试。</translation>
        </message>
        <message>
            <source>Back to start</source>
            <translation>回到首页</translation>
        </message>
        <message>
            <source>Continue</source>
            <translation>继续</translation>
        </message>
        <message>
            <source>Yes</source>
            <translation>是</translation>
        </message>
        <message>
            <source>No</source>
            <translation>否</translation>
        </message>
        <message>
            <source>1. May the station keep your results and send them, without your name or number, to the regional health service?</source>
            <translation>1. 能否保存您的结果，并在不带姓名和证件号的情况下，发送给区域卫生健康部门？</translation>
        </message>
        <message>
            <source>1. May the station keep your results and send them to the regional health service, so your doctor can see them?</source>
            <translation>1. 能否保存您的结果并发送给区域卫生健康部门，让您的医生能看到？</translation>
        </message>
        <message>
            <source>⚠ The station cannot measure without keeping your results. You can touch Yes, or go back to the start. Thank you.</source>
            <translation>⚠ 不保存结果，就没法为您测量。您可以点“是”，或回到首页。谢谢。</translation>
        </message>
        <message>
            <source>2. May the camera watch you during the movement tests? The pictures are not kept.</source>
            <translation>2. 运动测试时，能否用摄像头看您的动作？画面不会保存。</translation>
        </message>
        <message>
            <source>That is fine. The camera tests will not be offered; every other test is.</source>
            <translation>没关系。不做摄像头测试，其他测试都可以做。</translation>
        </message>
    </context>
    <context>
        <name>CuffPressure</name>
        <message>
            <source>Cuff pressure</source>
            <translation>袖带压力</translation>
        </message>
        <message>
            <source>Squeezing…</source>
            <translation>正在加压…</translation>
        </message>
        <message>
            <source>Letting air out…</source>
            <translation>正在放气…</translation>
        </message>
        <message>
            <source>Keep still and do not talk.</source>
            <translation>请保持不动，不要说话。</translation>
        </message>
    </context>
    <context>
        <name>DeviceTest</name>
        <message>
            <source>Rest your fingers near the buttons.</source>
            <translation>把手指放在按键旁边。</translation>
        </message>
        <message>
            <source>Press Start. When the screen shows a button number, press that button as fast as you can.</source>
            <translation>按“开始”。屏幕上出现按键号码时，尽快按那个键。</translation>
        </message>
        <message>
            <source>Then wait for the next number.</source>
            <translation>然后等下一个号码。</translation>
        </message>
        <message>
            <source>When the screen shows a button number, press that button as fast as you can.</source>
            <translation>屏幕上出现按键号码时，尽快按那个键。</translation>
        </message>
        <message>
            <source>Staff can check the device, help you use it, or skip this test for today.</source>
            <translation>工作人员可以检查设备、帮您使用，或今天跳过这项测试。</translation>
        </message>
        <message>
            <source>Right hand</source>
            <translation>右手</translation>
        </message>
        <message>
            <source>Left hand</source>
            <translation>左手</translation>
        </message>
        <message>
            <source>All done</source>
            <translation>全部完成</translation>
        </message>
        <message>
            <source>Try %1 of %2</source>
            <translation>第 %1 次，共 %2 次</translation>
        </message>
        <message>
            <source>Press Start when you are ready.</source>
            <translation>准备好了请按“开始”。</translation>
        </message>
        <message>
            <source>Getting the device ready. Please wait.</source>
            <translation>设备正在准备，请稍等。</translation>
        </message>
        <message>
            <source>Measuring now…</source>
            <translation>正在测量…</translation>
        </message>
        <message>
            <source>Saved. Press Start for the next try.</source>
            <translation>已保存。请按“开始”做下一次。</translation>
        </message>
        <message>
            <source>Saved. Now rest quietly.</source>
            <translation>已保存。现在请安静休息。</translation>
        </message>
        <message>
            <source>Saved. Press Finish to go on.</source>
            <translation>已保存。请按“完成”继续。</translation>
        </message>
        <message>
            <source>Nothing was saved from that try.</source>
            <translation>这一次没有保存结果。</translation>
        </message>
        <message>
            <source>You can skip this test and do the others.</source>
            <translation>您可以跳过这项，做其他测试。</translation>
        </message>
        <message>
            <source>Try %1</source>
            <translation>第 %1 次</translation>
        </message>
        <message>
            <source>Rest quietly</source>
            <translation>安静休息</translation>
        </message>
        <message>
            <source>Your blood pressure was high. Sit still and relax before we measure again.</source>
            <translation>您的血压偏高。请坐好放松，休息后再测一次。</translation>
        </message>
        <message>
            <source>Sit still and relax. The next reading starts after the rest.</source>
            <translation>请坐好放松，休息后再测下一次。</translation>
        </message>
        <message>
            <source>Start</source>
            <translation>开始</translation>
        </message>
        <message>
            <source>Next try</source>
            <translation>下一次</translation>
        </message>
        <message>
            <source>Try again</source>
            <translation>再试一次</translation>
        </message>
        <message>
            <source>Finish</source>
            <translation>完成</translation>
        </message>
        <message>
            <source>Skip this test</source>
            <translation>跳过此项</translation>
        </message>
        <message>
            <source>This test is not available today. Please ask a member of staff.</source>
            <translation>这项测试今天不能做。请找工作人员。</translation>
        </message>
        <message>
            <source>That result could not be saved. Please ask a member of staff.</source>
            <translation>这次结果没能保存。请找工作人员。</translation>
        </message>
        <message>
            <source>A member of staff will measure your height.</source>
            <translation>工作人员会为您量身高。</translation>
        </message>
        <message>
            <source>Device test</source>
            <translation>仪器测试</translation>
        </message>
        <message>
            <source>Kept</source>
            <translation>采用</translation>
        </message>
        <message>
            <source>Best</source>
            <translation>最好</translation>
        </message>
        <message>
            <source>%1/%2 mmHg, pulse %3</source>
            <translation>%1/%2 mmHg，脉搏 %3</translation>
        </message>
        <message>
            <source>SpO2 %1%, pulse %2 /min</source>
            <translation>血氧 %1%，脉率 %2 次/分</translation>
        </message>
        <message>
            <source>Blood pressure</source>
            <translation>血压</translation>
        </message>
        <message>
            <source>Sit with your back supported and both feet on the floor.</source>
            <translation>请靠背坐好，双脚平放在地上。</translation>
        </message>
        <message>
            <source>Put the cuff on your upper arm, level with your heart.</source>
            <translation>把袖带绑在上臂，和心脏一样高。</translation>
        </message>
        <message>
            <source>Rest your arm on the table. Do not talk or move.</source>
            <translation>手臂放在桌上。不要说话，不要动。</translation>
        </message>
        <message>
            <source>Press Start. The cuff will squeeze, then slowly let go.</source>
            <translation>按“开始”。袖带会先收紧，再慢慢放松。</translation>
        </message>
        <message>
            <source>Sit still with the cuff on your arm, then press Start. Please do not talk.</source>
            <translation>绑好袖带坐好，再按“开始”。请不要说话。</translation>
        </message>
        <message>
            <source>Weight</source>
            <translation>体重</translation>
        </message>
        <message>
            <source>Take off your shoes and heavy coat.</source>
            <translation>请脱掉鞋子和厚外套。</translation>
        </message>
        <message>
            <source>Press Start, then step onto the scale.</source>
            <translation>按“开始”，再站上秤。</translation>
        </message>
        <message>
            <source>Stand still in the middle until your weight shows.</source>
            <translation>站在中间别动，等体重显示出来。</translation>
        </message>
        <message>
            <source>Take off your shoes, press Start, then stand still on the scale.</source>
            <translation>请脱鞋，按“开始”，再站到秤上别动。</translation>
        </message>
        <message>
            <source>Grip strength</source>
            <translation>握力</translation>
        </message>
        <message>
            <source>Stand up straight with your arm down by your side.</source>
            <translation>站直，手臂自然垂在身边。</translation>
        </message>
        <message>
            <source>Hold the handle in the hand shown below.</source>
            <translation>用下面显示的那只手握住把手。</translation>
        </message>
        <message>
            <source>Press Start, then squeeze as hard as you can for 3 seconds.</source>
            <translation>按“开始”，再用最大力气握3秒。</translation>
        </message>
        <message>
            <source>We test each hand twice, taking turns.</source>
            <translation>两只手轮流，各测两次。</translation>
        </message>
        <message>
            <source>Hold the handle in the hand shown, press Start, then squeeze as hard as you can.</source>
            <translation>用显示的那只手握住把手，按“开始”，再用最大力气握。</translation>
        </message>
        <message>
            <source>Vital capacity</source>
            <translation>肺活量</translation>
        </message>
        <message>
            <source>Stand up and put a new mouthpiece on.</source>
            <translation>请站起来，装上新的吹嘴。</translation>
        </message>
        <message>
            <source>Breathe in as deeply as you can.</source>
            <translation>尽量深吸一口气。</translation>
        </message>
        <message>
            <source>Press Start, seal your lips around it and blow out slowly until empty.</source>
            <translation>按“开始”，嘴唇包紧吹嘴，慢慢吹气直到吹尽。</translation>
        </message>
        <message>
            <source>Breathe in deeply, then blow out slowly into the mouthpiece until you are empty.</source>
            <translation>深吸一口气，再对着吹嘴慢慢吹，直到吹尽。</translation>
        </message>
        <message>
            <source>Lung function</source>
            <translation>肺功能</translation>
        </message>
        <message>
            <source>Sit up straight and put the nose clip on.</source>
            <translation>请坐直，夹上鼻夹。</translation>
        </message>
        <message>
            <source>Press Start, then blow out as hard and fast as you can.</source>
            <translation>按“开始”，再用最大力气、最快速度吹气。</translation>
        </message>
        <message>
            <source>Keep blowing until you are completely empty.</source>
            <translation>一直吹，直到完全吹尽。</translation>
        </message>
        <message>
            <source>Breathe in fully, then blast the air out as hard and fast as you can, and keep going.</source>
            <translation>吸足气，再用最大力气最快地吹出去，一直吹到底。</translation>
        </message>
        <message>
            <source>Standing on one leg</source>
            <translation>闭眼单脚站立</translation>
        </message>
        <message>
            <source>Stand on the platform near the rail. Staff can stand by you.</source>
            <translation>站到扶手旁的平衡测试台上。工作人员可以在旁边陪着。</translation>
        </message>
        <message>
            <source>Press Start and close your eyes.</source>
            <translation>按“开始”，然后闭上眼睛。</translation>
        </message>
        <message>
            <source>Lift one foot and stand as long as you can.</source>
            <translation>抬起一只脚，尽量站久一点。</translation>
        </message>
        <message>
            <source>Put your foot down whenever you feel unsteady.</source>
            <translation>站不稳时，随时把脚放下。</translation>
        </message>
        <message>
            <source>Close your eyes, lift one foot and stand as long as you can. Hold the rail if needed.</source>
            <translation>闭上眼睛，抬起一只脚，尽量站久一点。需要时扶住扶手。</translation>
        </message>
        <message>
            <source>Sit and reach</source>
            <translation>坐位体前屈</translation>
        </message>
        <message>
            <source>Sit with your legs straight and feet flat against the box.</source>
            <translation>坐下，双腿伸直，脚掌平贴箱子。</translation>
        </message>
        <message>
            <source>Press Start, then slowly push the slider forward with both hands.</source>
            <translation>按“开始”，再用双手慢慢把滑块往前推。</translation>
        </message>
        <message>
            <source>Keep your knees straight. Do not bounce.</source>
            <translation>膝盖伸直，不要猛地往前冲。</translation>
        </message>
        <message>
            <source>Keep your knees straight and slowly push the slider as far as you can.</source>
            <translation>膝盖伸直，慢慢把滑块推得越远越好。</translation>
        </message>
        <message>
            <source>Reaction time</source>
            <translation>选择反应时</translation>
        </message>
        <message>
            <source>Rest your hand on the start button.</source>
            <translation>把手放在起始按钮上。</translation>
        </message>
        <message>
            <source>Press Start. When a key lights up, press it as fast as you can.</source>
            <translation>按“开始”。哪个键亮了，就尽快按它。</translation>
        </message>
        <message>
            <source>Then go back to the start button and wait for the next light.</source>
            <translation>然后回到起始按钮，等下一个键亮。</translation>
        </message>
        <message>
            <source>When a key lights up, press it as fast as you can.</source>
            <translation>哪个键亮了，就尽快按它。</translation>
        </message>
        <message>
            <source>Blood oxygen</source>
            <translation>血氧</translation>
        </message>
        <message>
            <source>Sit down and rest your hand on the table.</source>
            <translation>请坐下，把手放在桌上。</translation>
        </message>
        <message>
            <source>Put a finger all the way into the clip, nail facing up.</source>
            <translation>把一根手指完全伸进指夹，指甲朝上。</translation>
        </message>
        <message>
            <source>Press Start and keep your hand still until the numbers settle.</source>
            <translation>按“开始”，手不要动，等数字稳定。</translation>
        </message>
        <message>
            <source>Put a finger into the clip, press Start, and keep your hand still.</source>
            <translation>把手指伸进指夹，按“开始”，手不要动。</translation>
        </message>
        <message>
            <source>Temperature</source>
            <translation>体温</translation>
        </message>
        <message>
            <source>Press Start and take the thermometer.</source>
            <translation>按“开始”，拿起体温计。</translation>
        </message>
        <message>
            <source>Hold its tip in your armpit and keep your arm down.</source>
            <translation>把体温计头部夹在腋下，手臂贴紧身体。</translation>
        </message>
        <message>
            <source>Wait for the beep, then put it back.</source>
            <translation>听到“嘀”声后，把体温计放回原处。</translation>
        </message>
        <message>
            <source>Press Start, put the thermometer in your armpit and wait for the beep.</source>
            <translation>按“开始”，把体温计夹在腋下，等听到“嘀”声。</translation>
        </message>
        <message>
            <source>Body fat</source>
            <translation>体脂率</translation>
        </message>
        <message>
            <source>Take off your shoes and socks.</source>
            <translation>请脱掉鞋袜。</translation>
        </message>
        <message>
            <source>Press Start, then stand on the metal plates with bare feet.</source>
            <translation>按“开始”，再光脚站到金属电极片上。</translation>
        </message>
        <message>
            <source>Hold the handles with your arms straight down, and stand still.</source>
            <translation>握住手柄，手臂伸直下垂，站着不要动。</translation>
        </message>
        <message>
            <source>Take off your shoes and socks, press Start, and stand still on the plates.</source>
            <translation>请脱掉鞋袜，按“开始”，站在电极片上不要动。</translation>
        </message>
        <message>
            <source>This device is not available today. Please ask a member of staff.</source>
            <translation>这台设备今天不能用。请找工作人员。</translation>
        </message>
        <message>
            <source>The device lost its connection. Please wait a moment and try again, or ask staff.</source>
            <translation>设备断开了。请稍等再试，或找工作人员。</translation>
        </message>
        <message>
            <source>The device stopped answering. Please try again, or ask staff.</source>
            <translation>设备没有反应。请再试一次，或找工作人员。</translation>
        </message>
        <message>
            <source>The device sent an unclear signal. Please try again.</source>
            <translation>设备信号不清楚。请再试一次。</translation>
        </message>
        <message>
            <source>The device could not get a good reading. Please sit still and try again.</source>
            <translation>设备没测准。请坐好别动，再试一次。</translation>
        </message>
        <message>
            <source>That try did not finish. Please try again, or ask staff.</source>
            <translation>这一次没有做完。请再试一次，或找工作人员。</translation>
        </message>
        <message>
            <source>Getting the device ready. Please wait a moment.</source>
            <translation>设备正在准备，请稍等。</translation>
        </message>
        <message>
            <source>The device is not connected. Please ask a member of staff.</source>
            <translation>设备没有连接。请找工作人员。</translation>
        </message>
        <message>
            <source>The device has a problem. Please ask a member of staff.</source>
            <translation>设备出了问题。请找工作人员。</translation>
        </message>
    </context>
    <context>
        <name>Doctor</name>
        <message>
            <source>The review list cannot be read now. Ask the technician.</source>
            <translation>暂时无法读取审核列表，请联系技术员。</translation>
        </message>
        <message>
            <source>Doctor review advised</source>
            <translation>建议医生审核</translation>
        </message>
        <message>
            <source>Woman</source>
            <translation>女</translation>
        </message>
        <message>
            <source>Man</source>
            <translation>男</translation>
        </message>
        <message>
            <source>Sex not given</source>
            <translation>性别未填</translation>
        </message>
        <message>
            <source>Guest</source>
            <translation>访客</translation>
        </message>
        <message>
            <source>This session cannot be opened right now.</source>
            <translation>暂时无法打开这次检测记录。</translation>
        </message>
        <message>
            <source>Age %1</source>
            <translation>%1 岁</translation>
        </message>
        <message>
            <source>not rated</source>
            <translation>未评级</translation>
        </message>
        <message>
            <source>National standard: %1 points, %2</source>
            <translation>国家标准：%1 分，%2</translation>
        </message>
        <message>
            <source>Frequency</source>
            <translation>频率</translation>
        </message>
        <message>
            <source>Intensity</source>
            <translation>强度</translation>
        </message>
        <message>
            <source>Time</source>
            <translation>时间</translation>
        </message>
        <message>
            <source>Type</source>
            <translation>类型</translation>
        </message>
        <message>
            <source>The review could not be saved. Your note is kept; try again or ask the technician.</source>
            <translation>审核未能保存，备注已保留。请重试或联系技术员。</translation>
        </message>
        <message>
            <source>Review signed and saved. It will be sent with the next sync.</source>
            <translation>审核已签名保存，将在下次同步时发送。</translation>
        </message>
        <message>
            <source>No pictures: the resident did not consent to the camera.</source>
            <translation>没有图片：居民未同意使用摄像头。</translation>
        </message>
        <message>
            <source>No camera test in this session.</source>
            <translation>本次检测没有摄像头测试。</translation>
        </message>
        <message>
            <source>No pictures were kept for this test.</source>
            <translation>本项测试没有保留图片。</translation>
        </message>
        <message>
            <source>Rep %1, top</source>
            <translation>第%1次，最高点</translation>
        </message>
        <message>
            <source>Rep %1, bottom</source>
            <translation>第%1次，最低点</translation>
        </message>
        <message>
            <source>Paused: out of view</source>
            <translation>暂停：离开画面</translation>
        </message>
        <message>
            <source>Camera counted %1.</source>
            <translation>摄像头计数%1。</translation>
        </message>
        <message>
            <source>Count %1, corrected by doctor %2; the camera counted %3.</source>
            <translation>计数%1，已由医生%2更正；摄像头计数%3。</translation>
        </message>
        <message>
            <source>The correction could not be saved. Try again or ask the technician.</source>
            <translation>更正未能保存。请重试或联系技术人员。</translation>
        </message>
    </context>
    <context>
        <name>DoctorEvidence</name>
        <message>
            <source>Correct the count:</source>
            <translation>更正计数：</translation>
        </message>
        <message>
            <source>Save the corrected count</source>
            <translation>保存更正的计数</translation>
        </message>
    </context>
    <context>
        <name>DoctorQueue</name>
        <message>
            <source>Sessions to review</source>
            <translation>待审核记录</translation>
        </message>
        <message>
            <source>Sessions to review. Urgent ones are at the top.</source>
            <translation>待审核记录，紧急的排在最前面。</translation>
        </message>
        <message>
            <source>Sign out</source>
            <translation>退出登录</translation>
        </message>
        <message>
            <source>No sessions are waiting for review.</source>
            <translation>没有待审核的记录。</translation>
        </message>
        <message>
            <source>%1 sessions waiting. Touch one to open it.</source>
            <translation>%1 条记录待审核，点击即可打开。</translation>
        </message>
        <message>
            <source>No flags</source>
            <translation>无异常标记</translation>
        </message>
        <message>
            <source>Open</source>
            <translation>打开</translation>
        </message>
    </context>
    <context>
        <name>DoctorSession</name>
        <message>
            <source>Review a session</source>
            <translation>审核检测记录</translation>
        </message>
        <message>
            <source>Check the results, add a note, then sign.</source>
            <translation>查看结果，填写备注，然后签名。</translation>
        </message>
        <message>
            <source>Back to list</source>
            <translation>返回列表</translation>
        </message>
        <message>
            <source>Sign and mark reviewed</source>
            <translation>签名并标记已审核</translation>
        </message>
        <message>
            <source>Sign out</source>
            <translation>退出登录</translation>
        </message>
        <message>
            <source>Results</source>
            <translation>结果</translation>
        </message>
        <message>
            <source>History</source>
            <translation>历史记录</translation>
        </message>
        <message>
            <source>Exercise plan</source>
            <translation>运动处方</translation>
        </message>
        <message>
            <source>Note</source>
            <translation>备注</translation>
        </message>
        <message>
            <source>Camera pictures</source>
            <translation>摄像头图片</translation>
        </message>
        <message>
            <source>Item</source>
            <translation>项目</translation>
        </message>
        <message>
            <source>Value</source>
            <translation>数值</translation>
        </message>
        <message>
            <source>Grade</source>
            <translation>等级</translation>
        </message>
        <message>
            <source>Classes and flags</source>
            <translation>分级与标记</translation>
        </message>
        <message>
            <source>%1 visits, oldest on the left.</source>
            <translation>共 %1 次检测，最早的在左边。</translation>
        </message>
        <message>
            <source>No earlier visits to compare with.</source>
            <translation>没有以往检测可供对比。</translation>
        </message>
        <message>
            <source>Touch a choice to change that part; touch it again to keep the original.</source>
            <translation>点击选项修改该项；再点一次恢复原处方。</translation>
        </message>
        <message>
            <source>(changed)</source>
            <translation>（已修改）</translation>
        </message>
        <message>
            <source>Your note for the resident's record (it is sent with the review).</source>
            <translation>写入居民档案的备注（随审核一起发送）。</translation>
        </message>
        <message>
            <source>Write a note</source>
            <translation>填写备注</translation>
        </message>
    </context>
    <context>
        <name>DoctorTrendChart</name>
        <message>
            <source>● systolic  ■ diastolic</source>
            <translation>● 收缩压  ■ 舒张压</translation>
        </message>
    </context>
    <context>
        <name>DriverText</name>
        <message>
            <source>Please step off the platform and ask a member of staff.</source>
            <translation>请走下平衡台，请工作人员帮忙。</translation>
        </message>
        <message>
            <source>Please lift one foot when you are ready.</source>
            <translation>准备好后，请抬起一只脚。</translation>
        </message>
        <message>
            <source>That stand was not recorded cleanly. Please try again.</source>
            <translation>这次站立没有记录好，请再试一次。</translation>
        </message>
        <message>
            <source>The cuff seems loose. Please wrap it again, snugly.</source>
            <translation>袖带好像松了，请重新绑紧一些。</translation>
        </message>
        <message>
            <source>The monitor could not find your blood pressure. Please sit still, relax and try again.</source>
            <translation>血压计没有测到您的血压。请坐好、放松，再试一次。</translation>
        </message>
        <message>
            <source>The cuff is losing air. Please ask a member of staff to check it.</source>
            <translation>袖带在漏气，请工作人员检查一下。</translation>
        </message>
        <message>
            <source>You moved during the measurement. Please sit still with your arm resting and try again.</source>
            <translation>测量时您动了。请坐好，手臂放稳，再试一次。</translation>
        </message>
        <message>
            <source>The cuff pressure went too high and was released. Please sit still and try again.</source>
            <translation>袖带压力过高，已经放气。请坐好，再试一次。</translation>
        </message>
        <message>
            <source>Your pulse was too weak to read. Please put the cuff on your bare upper arm and try again.</source>
            <translation>脉搏太弱，测不出来。请把袖带绑在裸露的上臂上，再试一次。</translation>
        </message>
        <message>
            <source>The result could not be measured. Please ask a member of staff.</source>
            <translation>这次没能测出结果，请找工作人员。</translation>
        </message>
        <message>
            <source>The blood pressure device needs power. Please ask a member of staff.</source>
            <translation>血压计电量不足，请找工作人员。</translation>
        </message>
        <message>
            <source>The measurement took too long. Please sit still and try again.</source>
            <translation>测量时间太长了。请坐好，再试一次。</translation>
        </message>
        <message>
            <source>The blood pressure device has a fault. Please ask a member of staff.</source>
            <translation>血压计出了故障，请找工作人员。</translation>
        </message>
        <message>
            <source>The reading did not look right. Please sit still, relax and try again.</source>
            <translation>这次读数不太对。请坐好、放松，再试一次。</translation>
        </message>
        <message>
            <source>The reading did not look right. Please try again, or ask a member of staff.</source>
            <translation>这次读数不太对。请再试一次，或者找工作人员。</translation>
        </message>
        <message>
            <source>The meter gave no result. Please try again with a new strip.</source>
            <translation>血糖仪没有给出结果。请换一张新试纸再试一次。</translation>
        </message>
        <message>
            <source>That was a meter check, not your test. Please test with a drop of your blood.</source>
            <translation>刚才是仪器质控检测，不是您的测试。请用一滴血来测。</translation>
        </message>
        <message>
            <source>Please do the test on the meter now.</source>
            <translation>请现在在血糖仪上测试。</translation>
        </message>
        <message>
            <source>There was not enough blood on the strip. Please try again with a new strip.</source>
            <translation>试纸上的血不够。请换一张新试纸再试一次。</translation>
        </message>
        <message>
            <source>The strip was not inserted properly. Please insert a new strip fully.</source>
            <translation>试纸没有插好。请把一张新试纸完全插进去。</translation>
        </message>
        <message>
            <source>This strip does not fit the meter. Please ask a member of staff.</source>
            <translation>这种试纸不适用于这台血糖仪，请找工作人员。</translation>
        </message>
        <message>
            <source>The strip was removed too early. Please try again with a new strip.</source>
            <translation>试纸拔出得太早了。请换一张新试纸再试一次。</translation>
        </message>
        <message>
            <source>The meter has a fault. Please ask a member of staff.</source>
            <translation>血糖仪出了故障，请找工作人员。</translation>
        </message>
        <message>
            <source>The meter could not measure this sample. Please ask a member of staff.</source>
            <translation>血糖仪测不了这个样本，请找工作人员。</translation>
        </message>
        <message>
            <source>The meter is too warm to measure. Please ask a member of staff.</source>
            <translation>血糖仪温度太高，无法测量，请找工作人员。</translation>
        </message>
        <message>
            <source>The meter is too cold to measure. Please ask a member of staff.</source>
            <translation>血糖仪温度太低，无法测量，请找工作人员。</translation>
        </message>
        <message>
            <source>The scale could not weigh you. Please stand still in the middle of the scale and try again.</source>
            <translation>体重秤没有称出体重。请站在秤的中间不要动，再试一次。</translation>
        </message>
        <message>
            <source>No squeeze was felt. Please squeeze the handle hard.</source>
            <translation>没有感觉到握力。请用力握紧手柄。</translation>
        </message>
        <message>
            <source>Please do not pull so hard; ask a member of staff.</source>
            <translation>请不要用力拉扯，请找工作人员。</translation>
        </message>
        <message>
            <source>Please let go of the handle and try again.</source>
            <translation>请松开手柄，再试一次。</translation>
        </message>
        <message>
            <source>Let's stop this one. Press only the key that lights up.</source>
            <translation>这次先停下。请只按亮起来的那个键。</translation>
        </message>
        <message>
            <source>Let's stop this one. Press only the button shown.</source>
            <translation>这次先停下。请只按屏幕上显示的那个键。</translation>
        </message>
        <message>
            <source>Please push the slider back to the start.</source>
            <translation>请把滑块推回起点。</translation>
        </message>
        <message>
            <source>Please push the slider forward slowly with both hands.</source>
            <translation>请用双手慢慢向前推滑块。</translation>
        </message>
        <message>
            <source>That blow was not recorded cleanly. Please blow again.</source>
            <translation>这次吹气没有记录好，请再吹一次。</translation>
        </message>
        <message>
            <source>No blow was felt. Please blow hard into the mouthpiece.</source>
            <translation>没有感觉到吹气。请对着吹嘴用力吹。</translation>
        </message>
        <message>
            <source>Please keep the mouthpiece still and away from your mouth until asked to blow.</source>
            <translation>在提示吹气之前，请拿稳吹嘴，不要放到嘴边。</translation>
        </message>
        <message>
            <source>No blow was felt. Take a deep breath and blow out fully into the mouthpiece.</source>
            <translation>没有感觉到吹气。请深吸一口气，对着吹嘴把气全部吹出来。</translation>
        </message>
        <message>
            <source>Air escaped. Seal your lips round the mouthpiece and blow again.</source>
            <translation>漏气了。请用嘴唇包紧吹嘴，再吹一次。</translation>
        </message>
        <message>
            <source>That blow could not be measured. Please take a full breath and blow as hard and as long as you can.</source>
            <translation>这次吹气没能测量。请吸足一口气，尽量用力、尽量长时间地吹。</translation>
        </message>
        <message>
            <source>Please put your finger fully into the clip and keep your hand still.</source>
            <translation>请把手指完全伸进指夹，手不要动。</translation>
        </message>
        <message>
            <source>The finger clip is not connected. Please ask a member of staff.</source>
            <translation>指夹没有接好。请找工作人员。</translation>
        </message>
        <message>
            <source>The thermometer gave no reading. Please try again.</source>
            <translation>体温计没有给出读数。请再测一次。</translation>
        </message>
        <message>
            <source>The analyser could not measure you. Please stand still with bare feet on the plates.</source>
            <translation>仪器没能测出结果。请光脚站在电极片上，不要动。</translation>
        </message>
        <message>
            <source>The analyser did not accept the station. Please ask a member of staff.</source>
            <translation>仪器没有接受本驿站的连接。请找工作人员。</translation>
        </message>
        <message>
            <source>You stepped off the scale before it finished. Please stand on it again and keep still.</source>
            <translation>还没称完您就离开了体重秤。请重新站上去，保持不动。</translation>
        </message>
        <message>
            <source>The scale did not weigh anyone. Please step onto the scale with bare feet and stand still; if you are already on it, step off and on again.</source>
            <translation>体重秤没有称到人。请光脚站上体重秤并保持不动；如果您已经站在上面，请下来再重新站上去。</translation>
        </message>
    </context>
    <context>
        <name>FlowVolume</name>
        <message>
            <source>Flow %1 L/s</source>
            <translation>流量 %1 L/s</translation>
        </message>
        <message>
            <source>Peak %1 L/s</source>
            <translation>峰值 %1 L/s</translation>
        </message>
        <message>
            <source>Flow</source>
            <translation>流量</translation>
        </message>
        <message>
            <source>Volume</source>
            <translation>容积</translation>
        </message>
    </context>
    <context>
        <name>ForceCurve</name>
        <message>
            <source>Strongest:</source>
            <translation>最大握力：</translation>
        </message>
    </context>
    <context>
        <name>Identify</name>
        <message>
            <source>Who is taking the tests?</source>
            <translation>谁来做检测？</translation>
        </message>
        <message>
            <source>Scan your card, type your ID number or mobile number, or continue as a guest.</source>
            <translation>请扫卡，或输入身份证号、手机号，也可以用访客身份继续。</translation>
        </message>
        <message>
            <source>Your ID number is on your resident identity card. Guests are not recorded by name.</source>
            <translation>身份证号印在您的身份证上。访客不记录姓名。</translation>
        </message>
        <message>
            <source>Type my ID number instead</source>
            <translation>改为输入身份证号</translation>
        </message>
        <message>
            <source>Back to start</source>
            <translation>回到首页</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>返回</translation>
        </message>
        <message>
            <source>Scan my card or health code</source>
            <translation>扫卡或健康码</translation>
        </message>
        <message>
            <source>Hold it up to the camera</source>
            <translation>对准摄像头即可</translation>
        </message>
        <message>
            <source>Not possible here: this station has no camera</source>
            <translation>本驿站没有摄像头，不能扫码</translation>
        </message>
        <message>
            <source>Type my ID number</source>
            <translation>输入身份证号</translation>
        </message>
        <message>
            <source>18 characters, on your identity card</source>
            <translation>18位，印在身份证上</translation>
        </message>
        <message>
            <source>Type my mobile number</source>
            <translation>输入手机号</translation>
        </message>
        <message>
            <source>11 digits</source>
            <translation>11位数字</translation>
        </message>
        <message>
            <source>Continue as a guest</source>
            <translation>以访客身份继续</translation>
        </message>
        <message>
            <source>Nothing about who you are is kept</source>
            <translation>不保存您的任何身份信息</translation>
        </message>
        <message>
            <source>Hold your card up to the camera</source>
            <translation>请把卡对准摄像头</translation>
        </message>
        <message>
            <source>Show the QR code on your resident card or phone, about one forearm away from the camera. Hold it still.</source>
            <translation>请把居民卡或手机上的二维码对准摄像头，离开大约一个小臂远，拿稳别动。</translation>
        </message>
        <message>
            <source>Type your ID number</source>
            <translation>请输入身份证号</translation>
        </message>
        <message>
            <source>Type your mobile number</source>
            <translation>请输入手机号</translation>
        </message>
        <message>
            <source>18 characters. If the last one is X, touch the X key. You have typed %1.</source>
            <translation>共18位，最后一位是X就按X键。已输入 %1 位。</translation>
        </message>
        <message>
            <source>11 digits, starting with 1. You have typed %1.</source>
            <translation>共11位，以1开头。已输入 %1 位。</translation>
        </message>
        <message>
            <source>Continue</source>
            <translation>继续</translation>
        </message>
        <message>
            <source>Are you a man or a woman?</source>
            <translation>您是男性还是女性？</translation>
        </message>
        <message>
            <source>The standard tables are different for men and women.</source>
            <translation>男性和女性的评分标准不一样。</translation>
        </message>
        <message>
            <source>Man</source>
            <translation>男</translation>
        </message>
        <message>
            <source>Woman</source>
            <translation>女</translation>
        </message>
        <message>
            <source>Then type the year you were born, for example 1956.</source>
            <translation>然后输入您的出生年份，比如 1956。</translation>
        </message>
    </context>
    <context>
        <name>LiveNumber</name>
        <message>
            <source>Press button %1</source>
            <translation>请按 %1 号键</translation>
        </message>
        <message>
            <source>Weight</source>
            <translation>体重</translation>
        </message>
        <message>
            <source>Air blown out</source>
            <translation>呼出气量</translation>
        </message>
        <message>
            <source>How far you reach</source>
            <translation>前伸距离</translation>
        </message>
        <message>
            <source>Last reaction time</source>
            <translation>上次反应时间</translation>
        </message>
        <message>
            <source>Stand still. Your weight appears when it is steady.</source>
            <translation>请站稳别动，数字稳定后显示体重。</translation>
        </message>
        <message>
            <source>Step on when you have pressed Start.</source>
            <translation>按“开始”后再站上去。</translation>
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
        <name>Pleth</name>
        <message>
            <source>Blood oxygen</source>
            <translation>血氧</translation>
        </message>
        <message>
            <source>Pulse</source>
            <translation>脉率</translation>
        </message>
        <message>
            <source>/min</source>
            <translation>次/分</translation>
        </message>
        <message>
            <source>Keep your hand still.</source>
            <translation>手请不要动。</translation>
        </message>
        <message>
            <source>Finding your pulse…</source>
            <translation>正在寻找脉搏…</translation>
        </message>
    </context>
    <context>
        <name>Questionnaire</name>
        <message>
            <source>Questionnaires</source>
            <translation>自评问卷</translation>
        </message>
        <message>
            <source>Touch the answer that fits you best. Back changes an earlier answer; Stop ends the questionnaire.</source>
            <translation>请点最符合您情况的答案。点“上一题”可以修改前面的答案；点“停止”结束问卷。</translation>
        </message>
        <message>
            <source>◀ Back</source>
            <translation>◀ 上一题</translation>
        </message>
        <message>
            <source>■ Stop</source>
            <translation>■ 停止</translation>
        </message>
        <message>
            <source>Back to the tests</source>
            <translation>回到测试列表</translation>
        </message>
        <message>
            <source>Read the question</source>
            <translation>读题目</translation>
        </message>
        <message>
            <source>Read the answers</source>
            <translation>读答案</translation>
        </message>
        <message>
            <source>◆ matches today's measurement. Please choose for yourself.</source>
            <translation>◆ 与今天的测量结果相符。请您自己选择。</translation>
        </message>
        <message>
            <source>%1 days</source>
            <translation>%1 天</translation>
        </message>
        <message>
            <source>30 minutes less</source>
            <translation>减少30分钟</translation>
        </message>
        <message>
            <source>5 minutes less</source>
            <translation>减少5分钟</translation>
        </message>
        <message>
            <source>5 minutes more</source>
            <translation>增加5分钟</translation>
        </message>
        <message>
            <source>30 minutes more</source>
            <translation>增加30分钟</translation>
        </message>
        <message>
            <source>That is right ▶</source>
            <translation>就是这样 ▶</translation>
        </message>
        <message>
            <source>I don't know</source>
            <translation>不知道</translation>
        </message>
        <message>
            <source>⚠ Help is here for you now</source>
            <translation>⚠ 现在就可以得到帮助</translation>
        </message>
        <message>
            <source>I have read this: continue</source>
            <translation>我已看完，继续</translation>
        </message>
        <message>
            <source>Questionnaire stopped</source>
            <translation>问卷已停止</translation>
        </message>
        <message>
            <source>Continue ▶</source>
            <translation>继续 ▶</translation>
        </message>
        <message>
            <source>Question %1 of %2</source>
            <translation>第 %1 题，共 %2 题</translation>
        </message>
        <message>
            <source>These words are our own translation; it has not been checked yet.</source>
            <translation>这些文字是我们自己的翻译，尚未经过验证。</translation>
        </message>
        <message>
            <source>This form exists in Chinese only: the English words are a short guide.</source>
            <translation>本问卷只有中文版：英文只是简短说明。</translation>
        </message>
        <message>
            <source>%1 h %2 min</source>
            <translation>%1 小时 %2 分钟</translation>
        </message>
        <message>
            <source>%1 h</source>
            <translation>%1 小时</translation>
        </message>
        <message>
            <source>%1 min</source>
            <translation>%1 分钟</translation>
        </message>
        <message>
            <source>You stopped before the end, so this questionnaire is not scored. Your answers are kept for the doctor.</source>
            <translation>您没有做完就停止了，所以这份问卷不计分。您的回答会保留给医生看。</translation>
        </message>
        <message>
            <source>Your answers are saved. This questionnaire gives no score for these answers.</source>
            <translation>您的回答已保存。按问卷规则，这些回答不计分。</translation>
        </message>
        <message>
            <source>Thank you. Your result</source>
            <translation>谢谢！您的结果</translation>
        </message>
        <message>
            <source>Choose a questionnaire. Each question has its own screen; you can go back, and stop at any time.</source>
            <translation>请选择一份问卷。每页一个问题；可以返回修改，也可以随时停止。</translation>
        </message>
        <message>
            <source>Recommended for you</source>
            <translation>为您推荐</translation>
        </message>
        <message>
            <source>Done</source>
            <translation>已完成</translation>
        </message>
        <message>
            <source>%1 questions</source>
            <translation>%1 个问题</translation>
        </message>
        <message>
            <source>Your answers could not be saved. Please ask staff.</source>
            <translation>您的回答没能保存。请找工作人员。</translation>
        </message>
    </context>
    <context>
        <name>Report</name>
        <message>
            <source>Your report</source>
            <translation>您的报告</translation>
        </message>
        <message>
            <source>Scroll with your finger to read all of your report. Staff can explain any result.</source>
            <translation>用手指上下滑动，看完整份报告。工作人员可以为您解释结果。</translation>
        </message>
        <message>
            <source>Printing…</source>
            <translation>正在打印…</translation>
        </message>
        <message>
            <source>Print my report</source>
            <translation>打印报告</translation>
        </message>
        <message>
            <source>Finish</source>
            <translation>完成</translation>
        </message>
        <message>
            <source>There is no report to show.</source>
            <translation>没有可显示的报告。</translation>
        </message>
        <message>
            <source>Scan with your phone to keep this report</source>
            <translation>用手机扫码保存报告</translation>
        </message>
        <message>
            <source>Your report is printing. Please take it from the printer.</source>
            <translation>报告正在打印，请从打印机取走。</translation>
        </message>
        <message>
            <source>The report could not be printed or saved. Please ask a member of staff.</source>
            <translation>报告没能打印或保存。请找工作人员。</translation>
        </message>
        <message>
            <source>Your report has been saved. A member of staff can print it for you.</source>
            <translation>报告已保存，工作人员可以帮您打印。</translation>
        </message>
        <message>
            <source>Preparing your report…</source>
            <translation>正在生成报告…</translation>
        </message>
    </context>
    <context>
        <name>ResidentFlow</name>
        <message>
            <source>Blood pressure</source>
            <translation>血压</translation>
        </message>
        <message>
            <source>Height</source>
            <translation>身高</translation>
        </message>
        <message>
            <source>Weight and body</source>
            <translation>体重与体成分</translation>
        </message>
        <message>
            <source>Blood sugar</source>
            <translation>血糖</translation>
        </message>
        <message>
            <source>Blood oxygen</source>
            <translation>血氧</translation>
        </message>
        <message>
            <source>Temperature</source>
            <translation>体温</translation>
        </message>
        <message>
            <source>Body fat</source>
            <translation>体脂率</translation>
        </message>
        <message>
            <source>Grip strength</source>
            <translation>握力</translation>
        </message>
        <message>
            <source>Lung capacity</source>
            <translation>肺活量</translation>
        </message>
        <message>
            <source>Breathing test</source>
            <translation>肺功能</translation>
        </message>
        <message>
            <source>One-leg stand</source>
            <translation>闭眼单脚站立</translation>
        </message>
        <message>
            <source>Sit and reach</source>
            <translation>坐位体前屈</translation>
        </message>
        <message>
            <source>Reaction time</source>
            <translation>选择反应时</translation>
        </message>
        <message>
            <source>30-second chair stand</source>
            <translation>30秒坐站测试</translation>
        </message>
        <message>
            <source>Squats</source>
            <translation>深蹲</translation>
        </message>
        <message>
            <source>30-second arm curl</source>
            <translation>30秒手臂弯举</translation>
        </message>
        <message>
            <source>Questionnaires</source>
            <translation>自评问卷</translation>
        </message>
        <message>
            <source>An ID number has 18 characters. Please check the number and type it again.</source>
            <translation>身份证号是18位。请核对后重新输入。</translation>
        </message>
        <message>
            <source>The birth date in this ID number is not right. Please check the number.</source>
            <translation>身份证号里的出生日期不对，请核对。</translation>
        </message>
        <message>
            <source>This ID number is not right. A digit is probably mistyped. Please check it.</source>
            <translation>身份证号不对，可能输错了一位，请核对。</translation>
        </message>
        <message>
            <source>An ID number is 17 digits and then a digit or X. Please check it.</source>
            <translation>身份证号是17位数字，最后一位是数字或X。请核对。</translation>
        </message>
        <message>
            <source>A mobile number has 11 digits and starts with 1. Please check it.</source>
            <translation>手机号是11位，以1开头。请核对。</translation>
        </message>
        <message>
            <source>Please touch Man or Woman first.</source>
            <translation>请先点“男”或“女”。</translation>
        </message>
        <message>
            <source>Please type the year you were born: four digits, from %1 to %2.</source>
            <translation>请输入出生年份：四位数字，在 %1 到 %2 之间。</translation>
        </message>
        <message>
            <source>This code is not a resident card. Try another card, or type your number instead.</source>
            <translation>这个码不是居民卡。请换一张卡，或改为输入号码。</translation>
        </message>
        <message>
            <source>The camera is not working right now. Please type your number instead, or ask staff.</source>
            <translation>摄像头现在不能用。请改为输入号码，或找工作人员。</translation>
        </message>
        <message>
            <source>Your answers could not be saved. Please ask staff.</source>
            <translation>您的回答没能保存。请找工作人员。</translation>
        </message>
        <message>
            <source>Not available today: ask staff</source>
            <translation>今天不能做，请找工作人员</translation>
        </message>
        <message>
            <source>Getting ready, please wait</source>
            <translation>正在准备，请稍等</translation>
        </message>
        <message>
            <source>Recommended for you: %1 of %2 done</source>
            <translation>为您推荐的：已完成 %1 / %2</translation>
        </message>
        <message>
            <source>Done</source>
            <translation>完成</translation>
        </message>
        <message>
            <source>Done: %1 tries</source>
            <translation>已完成：%1 次</translation>
        </message>
        <message>
            <source>%1 of %2 tries done</source>
            <translation>已做 %1 次，共 %2 次</translation>
        </message>
        <message>
            <source>Not done yet</source>
            <translation>还没做</translation>
        </message>
        <message>
            <source>This test cannot be started right now.</source>
            <translation>这项测试现在不能开始。</translation>
        </message>
        <message>
            <source>Every test on offer is done or not available.</source>
            <translation>能做的测试都已做完，其余暂不能做。</translation>
        </message>
        <message>
            <source>No test has been done yet. Please choose a test first.</source>
            <translation>您还没有做任何检测，请先选择一个项目。</translation>
        </message>
        <message>
            <source>The report could not be made. Please ask staff.</source>
            <translation>报告没能生成。请找工作人员。</translation>
        </message>
    </context>
    <context>
        <name>Safety</name>
        <message>
            <source>Before you exercise</source>
            <translation>运动前问一问</translation>
        </message>
        <message>
            <source>Please answer five questions about your health with yes or no.</source>
            <translation>请回答五个健康问题，选“是”或“否”。</translation>
        </message>
        <message>
            <source>If you are not sure, answer yes. Blood pressure and body measurements are still offered.</source>
            <translation>拿不准就选“是”。血压和身体测量照样可以做。</translation>
        </message>
        <message>
            <source>Continue</source>
            <translation>继续</translation>
        </message>
        <message>
            <source>Do you have pain in your chest, at rest or when active?</source>
            <translation>您休息或活动时，胸口会痛吗？</translation>
        </message>
        <message>
            <source>Do you get dizzy, or have you fainted recently?</source>
            <translation>您会头晕吗？或最近晕倒过吗？</translation>
        </message>
        <message>
            <source>Have you had an operation in the last three months?</source>
            <translation>最近三个月内，您做过手术吗？</translation>
        </message>
        <message>
            <source>Has a doctor told you not to exercise?</source>
            <translation>医生说过您不能运动吗？</translation>
        </message>
        <message>
            <source>Do you have a bone or joint problem that exercise could make worse?</source>
            <translation>您的骨头或关节有毛病，运动可能会加重吗？</translation>
        </message>
        <message>
            <source>Yes</source>
            <translation>是</translation>
        </message>
        <message>
            <source>No</source>
            <translation>否</translation>
        </message>
        <message>
            <source>ⓘ Thank you. To keep you safe, the exercise and strength tests are skipped today. Please see a doctor before exercising.</source>
            <translation>ⓘ 谢谢您。为了您的安全，今天不做运动和力量测试。运动前请先看医生。</translation>
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
        <message>
            <source>End the check</source>
            <translation>结束检测</translation>
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
    <context>
        <name>SwayTrace</name>
        <message>
            <source>Time</source>
            <translation>时间</translation>
        </message>
    </context>
    <context>
        <name>TechCalibration</name>
        <message>
            <source>Calibrate: %1</source>
            <translation>校准：%1</translation>
        </message>
        <message>
            <source>Cancel</source>
            <translation>取消</translation>
        </message>
        <message>
            <source>Done</source>
            <translation>完成</translation>
        </message>
        <message>
            <source>Back to device</source>
            <translation>返回设备</translation>
        </message>
        <message>
            <source>Step %1 of %2</source>
            <translation>第 %1 步，共 %2 步</translation>
        </message>
        <message>
            <source>Reading the device…</source>
            <translation>正在读取设备…</translation>
        </message>
        <message>
            <source>Tap Done when the reference is in place.</source>
            <translation>放好标准件后点击“完成”。</translation>
        </message>
        <message>
            <source>PASS</source>
            <translation>通过</translation>
        </message>
        <message>
            <source>FAIL</source>
            <translation>未通过</translation>
        </message>
        <message>
            <source>Unlocked</source>
            <translation>已解锁</translation>
        </message>
        <message>
            <source>Record saved: %1, valid until %2</source>
            <translation>记录已保存：%1，有效期至 %2</translation>
        </message>
        <message>
            <source>Readings</source>
            <translation>读数</translation>
        </message>
    </context>
    <context>
        <name>TechCamera</name>
        <message>
            <source>Camera check</source>
            <translation>摄像头检查</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>返回</translation>
        </message>
        <message>
            <source>Framing</source>
            <translation>取景</translation>
        </message>
        <message>
            <source>Waiting for the picture…</source>
            <translation>等待画面…</translation>
        </message>
        <message>
            <source>Lighting</source>
            <translation>光线</translation>
        </message>
        <message>
            <source>Stand where a resident stands. The whole body, head to feet, must be in the picture.</source>
            <translation>请站在居民测试的位置，从头到脚全身都要在画面内。</translation>
        </message>
    </context>
    <context>
        <name>TechDevice</name>
        <message>
            <source>Device: %1</source>
            <translation>设备：%1</translation>
        </message>
        <message>
            <source>Protocol: %1</source>
            <translation>通信协议：%1</translation>
        </message>
        <message>
            <source>Firmware: %1</source>
            <translation>固件：%1</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>返回</translation>
        </message>
        <message>
            <source>Probe</source>
            <translation>探测</translation>
        </message>
        <message>
            <source>Test reading</source>
            <translation>测试读数</translation>
        </message>
        <message>
            <source>Calibrate</source>
            <translation>校准</translation>
        </message>
        <message>
            <source>State</source>
            <translation>状态</translation>
        </message>
        <message>
            <source>Latest calibration</source>
            <translation>最近一次校准</translation>
        </message>
        <message>
            <source>No calibration on record.</source>
            <translation>无校准记录。</translation>
        </message>
        <message>
            <source>%1: %2 on %3 by %4</source>
            <translation>%1：%2，日期 %3，操作人 %4</translation>
        </message>
        <message>
            <source>PASSED</source>
            <translation>通过</translation>
        </message>
        <message>
            <source>FAILED</source>
            <translation>未通过</translation>
        </message>
        <message>
            <source>Valid until %1</source>
            <translation>有效期至 %1</translation>
        </message>
        <message>
            <source>Reference → reading: %1</source>
            <translation>标准值 → 读数：%1</translation>
        </message>
        <message>
            <source>Live values</source>
            <translation>实时数值</translation>
        </message>
        <message>
            <source>Nothing yet. Tap "Test reading" to see the sensor.</source>
            <translation>暂无数据。点击“测试读数”查看传感器。</translation>
        </message>
        <message>
            <source>Working…</source>
            <translation>处理中…</translation>
        </message>
    </context>
    <context>
        <name>TechHome</name>
        <message>
            <source>Technician: devices</source>
            <translation>技术员：设备</translation>
        </message>
        <message>
            <source>Camera check</source>
            <translation>摄像头检查</translation>
        </message>
        <message>
            <source>Sync and logs</source>
            <translation>同步与日志</translation>
        </message>
        <message>
            <source>Self-check</source>
            <translation>自检</translation>
        </message>
        <message>
            <source>Sign out</source>
            <translation>退出登录</translation>
        </message>
        <message>
            <source>Last: %1</source>
            <translation>上次：%1</translation>
        </message>
    </context>
    <context>
        <name>TechSelfCheck</name>
        <message>
            <source>Station self-check</source>
            <translation>驿站自检</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>返回</translation>
        </message>
        <message>
            <source>Check again</source>
            <translation>重新检查</translation>
        </message>
    </context>
    <context>
        <name>TechSync</name>
        <message>
            <source>Sync and logs</source>
            <translation>同步与日志</translation>
        </message>
        <message>
            <source>Back</source>
            <translation>返回</translation>
        </message>
        <message>
            <source>Refresh</source>
            <translation>刷新</translation>
        </message>
        <message>
            <source>Export logs</source>
            <translation>导出日志</translation>
        </message>
        <message>
            <source>Upload</source>
            <translation>上传</translation>
        </message>
        <message>
            <source>Queue</source>
            <translation>队列</translation>
        </message>
        <message>
            <source>%1 rows</source>
            <translation>%1 条</translation>
        </message>
        <message>
            <source>Last success</source>
            <translation>上次成功</translation>
        </message>
        <message>
            <source>never</source>
            <translation>从未</translation>
        </message>
        <message>
            <source>Last error</source>
            <translation>上次错误</translation>
        </message>
        <message>
            <source>none</source>
            <translation>无</translation>
        </message>
        <message>
            <source>Server</source>
            <translation>服务器</translation>
        </message>
        <message>
            <source>Saved to: %1</source>
            <translation>已保存到：%1</translation>
        </message>
        <message>
            <source>Quarantined batches: %1</source>
            <translation>隔离批次：%1</translation>
        </message>
        <message>
            <source>None. Every batch was accepted.</source>
            <translation>无，所有批次均已接收。</translation>
        </message>
        <message>
            <source>%1 rows, HTTP %2, %3</source>
            <translation>%1 条，HTTP %2，%3</translation>
        </message>
        <message>
            <source>Retry</source>
            <translation>重试</translation>
        </message>
    </context>
    <context>
        <name>Technician</name>
        <message>
            <source>Locked: calibration failed</source>
            <translation>已锁定：校准未通过</translation>
        </message>
        <message>
            <source>Locked: %1</source>
            <translation>已锁定：%1</translation>
        </message>
        <message>
            <source>Unlocked</source>
            <translation>已解锁</translation>
        </message>
        <message>
            <source>Device is %1</source>
            <translation>设备状态：%1</translation>
        </message>
        <message>
            <source>no load</source>
            <translation>空载</translation>
        </message>
        <message>
            <source>Calibration cancelled. Nothing was saved.</source>
            <translation>校准已取消，未保存任何内容。</translation>
        </message>
        <message>
            <source>Calibration stopped: %1</source>
            <translation>校准中止：%1</translation>
        </message>
        <message>
            <source>Calibration passed.</source>
            <translation>校准通过。</translation>
        </message>
        <message>
            <source>Calibration failed. The device is locked.</source>
            <translation>校准未通过，设备已锁定。</translation>
        </message>
        <message>
            <source>Starting the camera…</source>
            <translation>正在打开摄像头…</translation>
        </message>
        <message>
            <source>The camera cannot be used: %1</source>
            <translation>摄像头无法使用：%1</translation>
        </message>
        <message>
            <source>The camera stopped: %1</source>
            <translation>摄像头已停止：%1</translation>
        </message>
        <message>
            <source>Framing good: a whole standing person is in view.</source>
            <translation>取景良好：站立者全身在画面内。</translation>
        </message>
        <message>
            <source>Framing: %1</source>
            <translation>取景：%1</translation>
        </message>
        <message>
            <source>Lighting good %1</source>
            <translation>光线良好 %1</translation>
        </message>
        <message>
            <source>Lighting: %1</source>
            <translation>光线：%1</translation>
        </message>
        <message>
            <source>Could not retry: %1</source>
            <translation>无法重试：%1</translation>
        </message>
        <message>
            <source>%1 rows are back in the queue.</source>
            <translation>%1 条已重新放回队列。</translation>
        </message>
        <message>
            <source>The export could not be written: %1</source>
            <translation>导出文件写入失败：%1</translation>
        </message>
        <message>
            <source>Logs exported. Audit chain verified.</source>
            <translation>日志已导出，审计链校验通过。</translation>
        </message>
        <message>
            <source>Logs exported. WARNING: the audit chain is broken: %1</source>
            <translation>日志已导出。警告：审计链已断裂：%1</translation>
        </message>
        <message>
            <source>Disconnected</source>
            <translation>已断开</translation>
        </message>
        <message>
            <source>Connecting</source>
            <translation>连接中</translation>
        </message>
        <message>
            <source>Connected</source>
            <translation>已连接</translation>
        </message>
        <message>
            <source>Measuring</source>
            <translation>测量中</translation>
        </message>
        <message>
            <source>Error</source>
            <translation>故障</translation>
        </message>
        <message>
            <source>Locked</source>
            <translation>已锁定</translation>
        </message>
        <message>
            <source>No calibration on record: calibrate it before resident tests.</source>
            <translation>没有校准记录：请先校准，居民才能测试。</translation>
        </message>
        <message>
            <source>The last calibration (%1) failed: %2</source>
            <translation>上次校准（%1）未通过：%2</translation>
        </message>
        <message>
            <source>The calibration expired on %1.</source>
            <translation>校准已于 %1 过期。</translation>
        </message>
        <message>
            <source>No calibration on record</source>
            <translation>无校准记录</translation>
        </message>
        <message>
            <source>Last calibration failed</source>
            <translation>上次校准未通过</translation>
        </message>
        <message>
            <source>Calibration due %1</source>
            <translation>校准到期：%1</translation>
        </message>
        <message>
            <source>Probe failed: %1</source>
            <translation>探测失败：%1</translation>
        </message>
        <message>
            <source>Found: %1</source>
            <translation>已找到：%1</translation>
        </message>
        <message>
            <source>No reading: %1</source>
            <translation>无读数：%1</translation>
        </message>
        <message>
            <source>Pass</source>
            <translation>通过</translation>
        </message>
        <message>
            <source>Warning</source>
            <translation>警告</translation>
        </message>
        <message>
            <source>Fail</source>
            <translation>失败</translation>
        </message>
        <message>
            <source>Checking the station…</source>
            <translation>正在检查驿站…</translation>
        </message>
        <message>
            <source>%1: %2 pass, %3 warnings, %4 failures</source>
            <translation>%1：%2 项通过，%3 项警告，%4 项失败</translation>
        </message>
    </context>
    <context>
        <name>TestMenu</name>
        <message>
            <source>Choose a test</source>
            <translation>选择测试项目</translation>
        </message>
        <message>
            <source>Touch a test to start it, or touch Full check to do them all.</source>
            <translation>点一项开始测试，或点“全套检测”全部做完。</translation>
        </message>
        <message>
            <source>A test marked with ⚠ cannot be used today. Staff can help.</source>
            <translation>标有 ⚠ 的项目今天不能用，工作人员可以帮您。</translation>
        </message>
        <message>
            <source>Full check</source>
            <translation>全套检测</translation>
        </message>
        <message>
            <source>Older-adult check</source>
            <translation>老年人体能检测</translation>
        </message>
        <message>
            <source>See my report</source>
            <translation>结束并查看报告</translation>
        </message>
        <message>
            <source>ⓘ Because of your temperature or blood oxygen, exercise and strength tests are skipped today. Please see a doctor.</source>
            <translation>ⓘ 因为您的体温或血氧，今天不做运动和力量测试。请去看医生。</translation>
        </message>
        <message>
            <source>ⓘ Because of your answers, exercise and strength tests are skipped today. Please see a doctor.</source>
            <translation>ⓘ 根据您的回答，今天不做运动和力量测试。请去看医生。</translation>
        </message>
        <message>
            <source>The camera tests are not shown, as you chose.</source>
            <translation>按您的选择，不显示摄像头测试。</translation>
        </message>
        <message>
            <source>By camera</source>
            <translation>用摄像头</translation>
        </message>
    </context>
    <context>
        <name>VitalNumber</name>
        <message>
            <source>Temperature</source>
            <translation>体温</translation>
        </message>
        <message>
            <source>Body fat</source>
            <translation>体脂率</translation>
        </message>
        <message>
            <source>Keep your arm down until the thermometer beeps.</source>
            <translation>手臂夹紧，等体温计发出“嘀”声。</translation>
        </message>
        <message>
            <source>Stand still with bare feet on the plates. It takes about ten seconds.</source>
            <translation>光脚站在电极片上不要动，大约需要十秒。</translation>
        </message>
    </context>
</TS>