"""Corrupt a file one byte at a time, in place (rewriting a whole file per case is slow on some disks)."""
import contextlib


def single_byte_corruptions(path, positions, values_for):
    """For each position and each value of `values_for(original_byte)`, set that byte and yield
    (position, value); the file is restored afterwards."""
    raw = path.read_bytes()
    with open(path, "r+b") as f:
        try:
            for i in positions:
                for value in sorted(set(values_for(raw[i])) - {raw[i]}):
                    f.seek(i)
                    f.write(bytes([value]))
                    f.flush()
                    yield i, value
                f.seek(i)
                f.write(raw[i:i + 1])
                f.flush()
        finally:
            with contextlib.suppress(OSError):
                f.seek(0)
                f.write(raw)
