"""`kiosk vision …`: score an exercise in a recorded video, and benchmark the camera pipeline.

    kiosk vision analyse VIDEO --exercise chair-stand|squat|...|timed-up-and-go|gait-speed|... [--start S] [--json]
    kiosk vision bench VIDEO [--seconds 10] [--size 640x480] [--json]
    kiosk vision eval [MANIFEST] [--split tune|holdout] [--clip ID] [--no-cache] [--json]
    kiosk --config STATION.toml vision course set --start-x PX --finish-x PX --width PX [--distance 4]
    kiosk --config STATION.toml vision course show
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.errors import InputError
from vision.analysers import EXERCISES

if TYPE_CHECKING:
    from vision.pose_backend import PoseBackend



def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 640x480, got {text!r}") from None
    if not (32 <= w <= 4096 and 32 <= h <= 4096):
        raise argparse.ArgumentTypeError(f"size {w}x{h} is outside 32..4096 pixels")
    return w, h


def register(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("vision", help="camera exercise tests: analyse a video, benchmark the pipeline",
                            description=__doc__.split("\n")[0])
    actions = parser.add_subparsers(dest="vision_command", metavar="ACTION")
    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])

    a = actions.add_parser("analyse", help="score an exercise in a video file; print events and the result")
    a.add_argument("video", type=Path, help="video file (any format OpenCV reads)")
    a.add_argument("--exercise", required=True, choices=EXERCISES)
    a.add_argument("--view", choices=("auto", "front", "side"), default="auto",
                   help="camera view; auto (the default) finds it from the body and follows it if it changes")
    a.add_argument("--start", type=float, default=None, metavar="S",
                   help="the start signal, in seconds into the video (default: the first frame the person is "
                        "usable in view)")
    a.add_argument("--duration", type=float, default=None, metavar="S", help="test length in seconds (timed tests)")
    a.add_argument("--json", action="store_true", help="print one JSON document instead of text")
    a.add_argument("--model", type=Path, default=None, help="pose .task file (default: the one `make model` builds)")
    a.set_defaults(func=cmd_analyse)

    b = actions.add_parser("bench", help="frames/s, latency percentiles, dropped frames and memory on a video")
    b.add_argument("video", type=Path, help="video file; re-encoded at --size as MJPG and played looped like a camera")
    b.add_argument("--seconds", type=float, default=10.0, help="length of each of the three runs (default 10)")
    b.add_argument("--size", type=_size, default=(640, 480), help="frame size fed to the pipeline (default 640x480)")
    b.add_argument("--exercise", choices=EXERCISES, default="chair-stand", help="analyser run in the pipeline")
    b.add_argument("--workers", type=int, choices=(1, 2, 3, 4), default=1,
                   help="pose backends inferring alternate frames in parallel (default 1)")
    b.add_argument("--json", action="store_true", help="print the figures as JSON")
    b.add_argument("--model", type=Path, default=None, help="pose .task file")
    b.set_defaults(func=cmd_bench)


    c = actions.add_parser("course", help="the gait-speed course as the camera sees it (technician, once per station)",
                           description="The start and finish lines of the gait-speed course: put two floor markers "
                                       "the course's length apart, across the walking line, and read their x "
                                       "positions off the camera picture (e.g. a still from `kiosk ui camera`).")
    course_actions = c.add_subparsers(dest="course_command", metavar="ACTION")
    c.set_defaults(func=lambda args: (c.print_help(), 2)[1])
    cs = course_actions.add_parser("set", help="write [camera.course] into the station file given with --config")
    cs.add_argument("--start-x", type=float, required=True, metavar="PX", help="start line's x in the picture (pixels)")
    cs.add_argument("--finish-x", type=float, required=True, metavar="PX", help="finish line's x (pixels)")
    cs.add_argument("--width", type=int, required=True, metavar="PX", help="width of the picture those x are in")
    cs.add_argument("--distance", type=float, default=4.0, metavar="M", help="metres between the lines (default 4)")
    cs.set_defaults(func=cmd_course_set)
    course_actions.add_parser("show", help="print the configured course").set_defaults(func=cmd_course_show)

    e = actions.add_parser("eval", help="count every clip of a real-footage manifest and compare with the truth",
                           description="Runs each clip of the manifest through the real pipeline with the "
                                       "analysers' default settings and prints, per exercise, the clips counted "
                                       "exactly right, the mean absolute count error and the worst clip, for the "
                                       "tuning clips and the held-back ones.")
    e.add_argument("manifest", type=Path, nargs="?", default=None,
                   help="manifest TOML (default: vision/clips/manifest.toml)")
    e.add_argument("--split", choices=("tune", "holdout"), default=None, help="only the clips of this split")
    e.add_argument("--clip", action="append", default=None, metavar="ID", help="only this clip (repeatable)")
    e.add_argument("--no-cache", action="store_true", help="run the pose model again instead of its cached output")
    e.add_argument("--json", action="store_true", help="print one JSON document")
    e.add_argument("--model", type=Path, default=None, help="pose .task file")
    e.set_defaults(func=cmd_eval)


def _backend_factory(model: Path | None) -> Callable[[], PoseBackend]:
    from vision.pose_backend import MediapipePoseBackend, PoseLandmarkerSettings

    settings = PoseLandmarkerSettings() if model is None else PoseLandmarkerSettings(model_path=model)
    return lambda: MediapipePoseBackend(settings)


def _analyser_options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if args.view is not None:
        options["view"] = args.view
    if getattr(args, "start", None) is not None:
        if not args.start >= 0:
            raise InputError(f"--start must be a time in seconds from the start of the video, not {args.start}",
                             field="--start")
        options.update(start_at_s=args.start, auto_start=False)
    if args.duration is not None:
        options["duration_s"] = args.duration
    return options


def cmd_analyse(args: argparse.Namespace) -> int:
    from vision.analysers import make_analyser
    from vision.capture import FrameCapture
    from vision.pipeline import PipelineUpdate, VisionPipeline

    try:
        analyser = make_analyser(args.exercise, **_analyser_options(args))
    except ValueError as e:
        raise InputError(str(e), field="--view/--duration") from e
    capture = FrameCapture(str(args.video), pace=False)  # every frame, recording time from 0
    backend = _backend_factory(args.model)()
    events: list[dict[str, Any]] = []

    def on_update(update: PipelineUpdate) -> None:
        for event in update.events:
            events.append(event.to_dict())
            if not args.json:
                print(f"{event.at_s:8.2f} s  {event.kind.value:<14} {event.message:<36} {event.text}", flush=True)

    pipeline = VisionPipeline(capture, backend, analyser, on_update=on_update, queue_size=1)
    pipeline.start()
    try:
        pipeline.wait()
    finally:
        pipeline.stop()  # joins the worker, so no thread is left inside mediapipe at interpreter exit
    if pipeline.error is not None:
        raise pipeline.error
    stats = pipeline.stats()
    cap = capture.stats()
    result = analyser.result().to_dict()
    if cap.state.value == "failed":
        print(f"kiosk: error: {cap.detail}", file=sys.stderr)
        return 1
    if args.json:
        doc = {"video": args.video.name, "exercise": args.exercise, "frames": stats.frames_processed,
               "frames_with_person": stats.frames_with_person, "events": events, "result": result}
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    print(f"\n{args.exercise}: {result['status']}, count {result['count']}"
          + (f", hold {result['hold_time_s']} s" if result.get("hold_time_s") is not None else "")
          + (f", result {result['value']} {result['unit']}" if result.get("value") is not None else "")
          + (f", ended: {result['end_reason']}" if result.get("end_reason") else "")
          + f", {result['view']} view")
    if result["valid"]:
        print("valid: this result may be graded")
    else:
        print(f"not valid ({result['invalid_reason']}): no score; the station stores this test as not measured")
    for deviation in result.get("deviations", []):
        print(f"protocol deviation: {deviation} (the count stands; the doctor sees it)")
    print(f"frames {stats.frames_processed}, with a person {stats.frames_with_person}, "
          f"{stats.fps:.1f} frames/s processed")
    for note in result.get("notes", []):
        print(f"note: {note}")
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from vision import perf
    from vision.analysers import make_analyser

    if not args.video.is_file():
        raise InputError(f"video file not found: {args.video}", field="VIDEO")
    make_backend = _backend_factory(args.model)
    frames, fps = perf.load_frames(args.video, args.size, max_frames=120)
    bare = perf.bare_inference(make_backend, frames, fps, args.seconds)
    del frames
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        clip = perf.camera_like_clip(args.video, args.size, Path(tmp))
        camera = perf.pipeline_run(make_backend, clip, args.seconds, paced=True, size=args.size,
                                   make_analyser=lambda: make_analyser(args.exercise), workers=args.workers)
        throughput = perf.pipeline_run(make_backend, clip, args.seconds, paced=False, size=args.size,
                                       make_analyser=lambda: make_analyser(args.exercise), workers=args.workers)
    figures: dict[str, Any] = {"video": args.video.name, "video_fps": round(fps, 2),
                               "size": f"{args.size[0]}x{args.size[1]}"}
    figures.update(perf.flatten("bare", bare))
    figures.update(perf.flatten("camera", camera))
    figures.update(perf.flatten("throughput", throughput))
    figures.update(perf.overheads(bare, throughput))
    figures["peak_rss_mib"] = round(perf.peak_rss_mib(), 1)
    if args.json:
        json.dump(figures, sys.stdout, indent=2)
        print()
        return 0
    print(f"video {figures['video']} at {figures['size']} (clip {fps:.0f} frames/s)")
    print(f"bare inference       {bare.fps:6.1f} frames/s  {bare.cpu_ms_per_frame:6.1f} CPU ms/frame   latency p50 "
          f"{bare.latency.p50_ms:6.1f}  p95 {bare.latency.p95_ms:6.1f}  p99 {bare.latency.p99_ms:6.1f} ms")
    for run in (camera, throughput):
        print(f"pipeline {run.mode:<7}×{run.workers}  {run.fps:6.1f} frames/s  "
              f"{run.cpu_ms_per_frame:6.1f} CPU ms/frame   "
              f"processing p50 {run.processing.p50_ms:6.1f}  p95 {run.processing.p95_ms:6.1f}  "
              f"p99 {run.processing.p99_ms:6.1f} ms   frame-to-event p50 {run.latency.p50_ms:6.1f}  "
              f"p95 {run.latency.p95_ms:6.1f}  p99 {run.latency.p99_ms:6.1f} ms   "
              f"dropped {run.frames_dropped}/{run.frames_processed + run.frames_dropped}")
    print(f"pipeline overhead over bare inference: CPU per frame {figures['overhead_cpu_pct']} %, "
          f"throughput {figures['overhead_throughput_pct']} %, per-frame time p50 ratio {figures['ratio_p50']}")
    print(f"memory: pipeline RSS max {camera.memory.get('rss_max_mib')} MiB, trend during the camera run "
          f"{camera.memory.get('rss_trend_mib_per_min')} MiB/min; process peak {figures['peak_rss_mib']} MiB "
          "(includes the decoded frames held for the bare-inference run)")
    print("note: figures are for this machine under its current load; other processes sharing the CPU "
          "make them pessimistic")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from vision import eval as ev
    from vision.pose_backend import DEFAULT_MODEL_PATH

    manifest = args.manifest or ev.DEFAULT_MANIFEST
    clips = ev.load_manifest(manifest)
    if args.split:
        clips = [c for c in clips if c.split == args.split]
    if args.clip:
        unknown = set(args.clip) - {c.id for c in clips}
        if unknown:
            raise InputError(f"no clip {', '.join(sorted(unknown))} in {manifest.name}", field="--clip")
        clips = [c for c in clips if c.id in args.clip]
    model = args.model or DEFAULT_MODEL_PATH
    if not model.is_file():
        raise InputError(f"pose model not found: {model}; build it with `make model`", field="--model")
    outcomes: list[ev.ClipOutcome] = []
    for o in ev.evaluate(clips, model, _backend_factory(args.model), use_cache=not args.no_cache):
        outcomes.append(o)
        if args.json:
            continue
        if not o.clip.available:
            if o.analyser == ev.analysers_for(o.clip)[0]:  # once per clip
                print(f"{o.clip.id:<44} missing ({'committed' if o.clip.committed else 'local-only'}): "
                      f"{o.clip.path}", file=sys.stderr)
            continue
        mark = "ok " if o.exact else "ERR"
        if o.clip.timed:
            truth = f"{o.clip.truth_time_s:.2f} s" if o.clip.truth_time_s is not None else "no time"
            got = f"{o.time_s:.2f} s" if o.time_s is not None else "no time"
            measured = f"truth {truth:>7}  timed {got:>7}"
        else:
            measured = f"truth {o.clip.truth:>2}  counted {o.counted if o.counted is not None else '-':>2}"
        print(f"{mark} {o.clip.split:<7} {o.clip.id:<44} {o.analyser:<11} {measured}  view {o.view:<5}"
              f"  {o.note or ('valid' if o.valid else 'invalid: ' + str(o.invalid_reason))}"
              + "".join(f"  deviation: {d}" for d in o.deviations), flush=True)
    summary = ev.summarise(outcomes)
    if args.json:
        doc = {"manifest": str(manifest), "clips": [o.to_dict() for o in outcomes],
               "summary": [{"exercise": s.exercise, "split": s.split, "clips": s.clips, "exact": s.exact,
                            "mean_abs_error": round(s.mean_abs_error, 3),
                            "worst": s.worst.clip.id if s.worst else None,
                            "worst_error": s.worst.error if s.worst else 0} for s in summary]}
        json.dump(doc, sys.stdout, indent=2)
        print()
        return 0
    print(f"\n{'exercise':<24} {'split':<8} {'exact':>9} {'mean |err|':>10}  worst clip")
    for s in summary:
        worst = f"{s.worst.clip.id} ({s.worst.error:+g})" if s.worst and s.worst.error is not None else "-"
        print(f"{s.exercise:<24} {s.split:<8} {s.exact:>4}/{s.clips:<4} {s.mean_abs_error:>10.2f}  {worst}")
    missing = sum(1 for o in outcomes if not o.clip.available)
    failed = sum(1 for o in outcomes if o.counted is None and o.clip.available)
    if missing:
        print(f"{missing} clip runs skipped: not on this machine (local-only clips are not committed)")
    if failed:
        print(f"{failed} clip runs failed (see above)")
        return 1
    return 0


def cmd_course_set(args: argparse.Namespace) -> int:
    from kiosk.config import CameraCourse
    from kiosk.config_course import save_course

    if not args.config:
        raise InputError("give the station file: kiosk --config STATION.toml vision course set ...", field="--config")
    course = CameraCourse(args.start_x, args.finish_x, args.width, args.distance)
    save_course(Path(args.config), course)
    print(f"course saved in {args.config}: start x {course.start_x_px:g} px, finish x {course.finish_x_px:g} px "
          f"of {course.image_width_px} px, {course.distance_m:g} m")
    return 0


def cmd_course_show(args: argparse.Namespace) -> int:
    from kiosk.cli import station_config

    course = station_config(args).camera.course
    if course is None:
        print("no course set: the gait-speed test is not offered until a technician runs `vision course set`")
        return 1
    print(json.dumps({"start_x_px": course.start_x_px, "finish_x_px": course.finish_x_px,
                      "image_width_px": course.image_width_px, "distance_m": course.distance_m}))
    return 0
