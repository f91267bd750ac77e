"""Recordings (docs/recordings.md): the video upload's limits, ffmpeg and the
transcoding job, signed media URLs."""

from .env import env

# Admins upload and manage recordings; teachers too (in their own courses) only when on.
RECORDINGS_TEACHERS_MAY_UPLOAD = env.bool("RECORDINGS_TEACHERS_MAY_UPLOAD", default=False)
# The largest video, in bytes (413 above, checked from the declared size before the
# body is read and again while it streams in).
RECORDING_MAX_UPLOAD_BYTES = env.int("RECORDING_MAX_UPLOAD_BYTES", default=500 * 1024 * 1024)
# Bytes read from the request and written to disk at a time.
RECORDING_UPLOAD_CHUNK_BYTES = env.int("RECORDING_UPLOAD_CHUNK_BYTES", default=1024 * 1024)
# Where unfinished (resumable) uploads wait, on a disk every web process shares.
# Empty: MEDIA_ROOT/recording-uploads.
RECORDING_UPLOAD_DIR = env("RECORDING_UPLOAD_DIR", default="")
# An unfinished upload with no new part for this long is dropped by the hourly job
# (learning.recordings.tasks.recording_uploads_cleanup; also `manage.py
# recording_uploads_cleanup`), and so are files of that age no recording names.
RECORDING_UPLOAD_ABANDON_HOURS = env.int("RECORDING_UPLOAD_ABANDON_HOURS", default=24)

# ffmpeg: binaries (a name on PATH or a path), what the job makes, time limits.
FFMPEG_BIN = env("FFMPEG_BIN", default="ffmpeg")
FFPROBE_BIN = env("FFPROBE_BIN", default="ffprobe")
RECORDING_TRANSCODE = env("RECORDING_TRANSCODE", default="mp4")  # off | mp4 | hls
# Extra ffmpeg output arguments for the mp4/hls rendition (shell words), e.g.
# "-preset veryfast -crf 28"; empty: the defaults in learning/recordings/media.py.
RECORDING_FFMPEG_ARGS = env("RECORDING_FFMPEG_ARGS", default="")
RECORDING_FFPROBE_TIMEOUT_S = env.int("RECORDING_FFPROBE_TIMEOUT_S", default=60)
RECORDING_TRANSCODE_TIMEOUT_S = env.int("RECORDING_TRANSCODE_TIMEOUT_S", default=3600)
# The ffmpeg/ffprobe health check fails /health/ready only when this is on.
RECORDING_FFMPEG_REQUIRED = env.bool("RECORDING_FFMPEG_REQUIRED", default=False)

# Media URLs handed to players (<video src> cannot send a JWT): signed, per user, valid
# this long. With STORAGE_BACKEND=s3 the storage's own presigned URLs are used instead.
RECORDING_MEDIA_URL_TTL_S = env.int("RECORDING_MEDIA_URL_TTL_S", default=6 * 3600)
