#!/usr/bin/env bash
# The GPU check in one short run (GPU time is scarce): every device-parametrized test on device="cuda",
# then the gpu_step benchmark (LeNet CNN step at batch 512, MLP step at batch 256 and 4096, GPU against
# CPU, tinygrad_edu and PyTorch). Everything it prints also lands in $OUT (the folder the device tool
# brings back) or ./gpu-check; copy the figures into bench/results/tensor_cuda.md.
#
#   1. On the machine WITHOUT the GPU, once:   bash bench/gpu_check.sh fetch
#      (downloads the one pure-Python wheel the GPU image lacks, graphviz, into .whl/, git-ignored)
#   2. On the GPU machine (device tool: command "bash bench/gpu_check.sh", carry [".whl"], timeout_s 540)
# It needs about 6-8 minutes there: the tests stop at 330 s and the benchmark at 150 s, whatever happens.
set -u
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}

if [ "${1:-}" = fetch ]; then
    exclude=$(git rev-parse --git-path info/exclude)
    grep -qx '/.whl/' "$exclude" 2>/dev/null || echo '/.whl/' >> "$exclude"
    exec "$python" -m pip download --no-deps --only-binary=:all: -d .whl graphviz==0.21
fi

out=${OUT:-$PWD/gpu-check}
mkdir -p "$out"
export PYTHONUNBUFFERED=1
if ! "$python" -c "import graphviz" 2>/dev/null; then
    "$python" -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl || exit 1
    export PYTHONPATH=/tmp/site${PYTHONPATH:+:$PYTHONPATH}
fi

{
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
    "$python" -c "import cupy, numpy, torch; print('cupy', cupy.__version__, 'numpy', numpy.__version__, 'torch', torch.__version__)"
    "$python" -c "from tinygrad_edu.backend import cuda; print('tinygrad_edu sees a GPU:', cuda.available())"
} 2>&1 | tee "$out/machine.txt"

# 1. The op suite on cuda: the same tests as on cpu and strict (forward and backward against PyTorch,
#    float64 central differences), selected by their [cuda] parameter.
timeout 330 "$python" -m pytest -q -p no:cacheprovider -n 8 --maxfail=50 -k cuda \
    tests/test_tensor_ops.py tests/test_autograd.py tests/test_backend.py tests/test_tensor_basics.py \
    tests/test_tensor_mlp.py tests/test_conv.py tests/test_pool.py tests/test_einsum.py \
    tests/test_dropout.py tests/test_recurrent_ops.py tests/test_nn_module.py 2>&1 | tee "$out/op_suite.txt"

# 2. GPU against CPU (all cores), ratios measured in this one run.
timeout 150 "$python" -m bench gpu_step --repeats 5 2>&1 | tee "$out/gpu_step.txt"
cp bench/results/gpu_step.json bench/results/gpu_step.md "$out/" 2>/dev/null
echo "gpu_check: done; results in $out"
