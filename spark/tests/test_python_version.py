"""The cluster's Spark image (apache/spark:*-python3-ubuntu, Ubuntu 22.04) runs Python 3.10, the
local stack 3.11 (uv.lock). vermin reads the Spark code and names anything newer than 3.10
(a module such as tomllib, syntax such as except*), so the difference cannot break the cluster."""
import subprocess
import sys
from pathlib import Path

SPARK_DIR = Path(__file__).resolve().parents[1]
CLUSTER_PYTHON = "3.10"


def vermin(*paths):
    return subprocess.run(
        [str(Path(sys.executable).with_name("vermin")), "--no-tips", "--violations", f"-t={CLUSTER_PYTHON}-", *map(str, paths)],
        capture_output=True,
        text=True,
    )


def test_spark_code_runs_on_the_cluster_images_python():
    result = vermin(SPARK_DIR / "lakehouse")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_names_code_newer_than_the_cluster_python(tmp_path):
    (tmp_path / "job.py").write_text("import tomllib\n\ndef settings(raw):\n    return tomllib.loads(raw)\n")
    result = vermin(tmp_path)
    assert result.returncode != 0
    assert "tomllib" in result.stdout
