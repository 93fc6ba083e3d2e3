"""umap-learn (Debian's python3 package) on one prepared data set: reads n rows of float32 from a raw file,
fits UMAP with its defaults (15 neighbours, 2-D, its own NN-descent and spectral init), writes the embedding as
raw float32 and prints a JSON line with the import and fit times and the process's peak RSS."""
import json, resource, sys, time

t0 = time.perf_counter()
import numpy as np
import umap

path, n, dim, out, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
t1 = time.perf_counter()
x = np.fromfile(path, dtype=np.float32, count=n * dim).reshape(n, dim)
t2 = time.perf_counter()
# a fixed random_state makes umap-learn run single-threaded; "none" keeps its parallel default
kwargs = {} if seed == "none" else {"random_state": int(seed)}
y = umap.UMAP(n_neighbors=15, n_components=2, **kwargs).fit_transform(x)
t3 = time.perf_counter()
y.astype(np.float32).tofile(out)
print(json.dumps({
    "import": t1 - t0, "read": t2 - t1, "fit": t3 - t2,
    "peakRssMB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "version": umap.__version__ if hasattr(umap, "__version__") else "0.5.3",
}))
