"""`map_location` of `load()`: move the tensors of a loaded object as torch.load's argument says."""
from typing import Any

from .core import Tensor


def map_location(obj, location) -> Any:
    """Move every Tensor inside `obj` (dicts, lists, tuples): a device or device name moves all of them;
    a dict maps source devices to targets ({"cuda:0": "cpu"}); a function is called as
    fn(tensor, source_device_name) and its result kept where it is a Tensor, so PyTorch's
    `lambda storage, loc: storage` works. Other values pass through."""
    if isinstance(obj, dict):
        return {k: map_location(v, location) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(map_location(v, location) for v in obj)
    if not isinstance(obj, Tensor) or location is None:
        return obj
    source = str(obj.device)
    if callable(location):
        moved = location(obj, source)
        return moved if isinstance(moved, Tensor) else obj
    if isinstance(location, dict):
        target = location.get(source, location.get(source.partition(":")[0]))
        return obj if target is None else obj.to(target)
    return obj.to(location)
