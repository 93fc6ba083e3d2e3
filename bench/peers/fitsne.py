# Runs native FIt-SNE (KlugerLab/FIt-SNE 1.2.1, built as /work/shared/peers/README.md says) through its own
# Python wrapper on float32 rows read from a raw file, and writes the layout as raw float32:
#   python3 fitsne.py FITSNE_DIR input.f32 n dim output.f32 threads seed
# Prints the wrapper's and the binary's progress lines, then one JSON line with the wall time of the call.
import json, sys, time
import numpy as np

fitsne_dir, input_path, n, dim, output_path, threads, seed = sys.argv[1:8]
sys.path.insert(0, fitsne_dir)
from fast_tsne import fast_tsne  # noqa: E402

X = np.fromfile(input_path, dtype=np.float32).reshape(int(n), int(dim)).astype(np.float64)
start = time.perf_counter()
# the wrapper's initialization="pca" needs scikit-learn; the same init by numpy's SVD: the first two principal
# components, PC1 scaled to std 1e-4 (the wrapper's steps, fast_tsne.py)
centred = X - X.mean(axis=0)
_, _, vt = np.linalg.svd(centred, full_matrices=False)
init = centred @ vt[:2].T
init = np.ascontiguousarray(init / np.std(init[:, 0]) * 0.0001)
Y = fast_tsne(X, perplexity=30, max_iter=750, initialization=init, seed=int(seed), nthreads=int(threads))
seconds = time.perf_counter() - start
np.asarray(Y, dtype=np.float32).tofile(output_path)
print(json.dumps({"seconds": seconds}), flush=True)
