"""Fixed key/value slots for the continuous decode loop, replayed as CUDA graphs on a GPU.

On a GPU a decode step of an 8B model is a few milliseconds of memory traffic but hundreds of
small kernel launches, so an eager step is bound by Python and launch overhead, not by the GPU.
A CUDA graph records one step's kernels once and replays them with a single launch. A graph
needs every tensor it touches at a fixed address and of a fixed shape, which a growing
``DynamicCache`` is not; so here each layer's keys and values live in one preallocated tensor of
``slots × heads × capacity × head_dim`` (both grown in powers of two as the load needs):

* every running row owns a slot (rows are kept in slots 0…n−1, in the scheduler's order);
* all rows write their next token at the same column, the rows' histories right-aligned before
  it (left padding, as in the dynamic store), so one column index serves the whole batch;
* a step runs on the first ``S`` slots and ``W`` columns, ``S`` and ``W`` rounded up to powers of
  two, and one graph is captured per (S, W) pair the first time it is needed;
* an additive mask (0 = attend, dtype minimum = ignore) hides padding and stale columns.

Prefill stays eager (prompts differ in length); the prefilled keys and values are copied into
free slots. Rows that finish leave, the last rows moving into their slots; columns no row still
needs are cut off the left. Without CUDA (tests on CPU) the same store runs the same steps
eagerly, so its bookkeeping is tested everywhere.
"""

from __future__ import annotations

import functools
import inspect
import logging
from typing import Any

import torch

log = logging.getLogger(__name__)

MIN_WIDTH = 256  # narrowest column window a step uses (and first capacity)
KEEP_COLUMNS = 4096  # an idle store keeps its buffers (and graphs) up to this capacity


def _ceil_pow2(n: int, floor: int = 1) -> int:
    size = floor
    while size < n:
        size *= 2
    return size


def mask_keys(model: Any) -> list[str]:
    """The attention types of the model's layers: the keys of a prepared mask mapping, which
    transformers' models take as is instead of building their masks again at every step."""
    config = model.config.get_text_config() if hasattr(model.config, "get_text_config") else model.config
    return sorted(set(getattr(config, "layer_types", None) or ["full_attention"]))


def cache_keyword(model: Any) -> str:
    """The keyword the model's forward takes its key/value cache under: `cache` in recent
    transformers (5.25, installed here, deprecates `past_key_values`, to go in 5.40; which release
    made the change was not checked), `past_key_values` in earlier ones.
    A peft model passes it on to the model it wraps, whose forward names it."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    return _cache_keyword(type(base))


@functools.cache
def _cache_keyword(model_type: type) -> str:
    return "cache" if "cache" in inspect.signature(model_type.forward).parameters else "past_key_values"


def additive_mask(real: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """(rows, columns) of 1 = real token → (rows, 1, 1, columns) of 0 = attend, minimum = ignore."""
    hidden = torch.zeros(real.shape, dtype=dtype, device=real.device)
    return hidden.masked_fill_(real == 0, torch.finfo(dtype).min)[:, None, None, :]


class SlotCache:
    """The cache object a model's attention layers see during one step: it writes the new
    token's keys and values at ``column`` of each layer's (rows × width) window and hands the
    whole window back."""

    def __init__(self, keys: list[torch.Tensor], values: list[torch.Tensor], column: torch.Tensor):
        self.keys, self.values, self.column = keys, values, column

    def update(self, key_states: torch.Tensor, value_states: torch.Tensor, layer_idx: int,
               *args: Any, **kwargs: Any) -> tuple[torch.Tensor, torch.Tensor]:
        keys, values = self.keys[layer_idx], self.values[layer_idx]
        keys.index_copy_(2, self.column, key_states)
        values.index_copy_(2, self.column, value_states)
        return keys, values

    def get_seq_length(self, layer_idx: int = 0) -> int:
        return 0  # positions are always passed explicitly


class SlotStore:
    """The running rows' keys and values in fixed slots; `step` runs one decode step."""

    def __init__(self, model: Any, device: torch.device, slots: int, *, graphs: bool,
                 max_columns: int | None = None, routing: Any = None) -> None:
        self.model = model
        self.routing = routing  # sends rows through their LoRA adapters: `with routing.rows(names)`
        self.device = device
        self.slots = slots
        self.graphs = graphs and device.type == "cuda"
        self.max_columns = max_columns
        self._mask_keys = mask_keys(model)
        self.captured = 0  # graphs captured so far (for tests and health)
        self.reset()

    # ------------------------------------------------------------ state

    def reset(self) -> None:
        """Forget every row and free the tensors (after a failure, or when idle)."""
        self.keys: list[torch.Tensor] = []
        self.values: list[torch.Tensor] = []
        self.capacity = 0  # columns allocated
        self.allocated_slots = 0  # rows allocated (a power of two up to `slots`)
        self.rows = 0
        self.column = 0  # where the next step writes
        self.starts: list[int] = []  # each row's first real column
        self._graphs: dict[tuple[int, int], tuple[torch.cuda.CUDAGraph, torch.Tensor]] = {}
        self._pool = None

    def use_model(self, model: Any) -> None:
        """Run `model` from the next step on (an adapter was loaded or unloaded): the graphs
        captured so far replayed the layers as they were, so they are captured again."""
        self.model = model
        self._graphs.clear()

    def release_if_large(self) -> None:
        """When no row runs: free buffers grown past KEEP_COLUMNS by a long conversation."""
        if self.rows == 0 and self.capacity > KEEP_COLUMNS:
            self.reset()
            if self.device.type == "cuda":
                torch.cuda.empty_cache()

    def _allocate(self, template: Any, slots: int, capacity: int) -> None:
        """(Re)allocate every buffer for `slots` rows × `capacity` columns, keeping the rows."""
        old_keys, old_values, used, rows = self.keys, self.values, self.column, self.rows
        self._graphs.clear()  # graphs hold the old addresses
        self._pool = None
        if template is not None:
            shapes = [(layer.keys.shape[1], layer.keys.shape[3], layer.keys.dtype) for layer in template.layers]
        else:
            shapes = [(k.shape[1], k.shape[3], k.dtype) for k in old_keys]
        keys = [torch.zeros(slots, h, capacity, d, dtype=t, device=self.device) for h, d, t in shapes]
        values = [torch.zeros_like(k) for k in keys]
        for new, old in zip(keys + values, old_keys + old_values, strict=False):
            new[:rows, :, :used] = old[:rows, :, :used]
        self.keys, self.values = keys, values
        self.capacity, self.allocated_slots = capacity, slots
        self.dtype = shapes[0][2]
        self.ids = torch.zeros(slots, 1, dtype=torch.long, device=self.device)
        self.positions = torch.zeros(slots, 1, dtype=torch.long, device=self.device)
        self.write_at = torch.zeros(1, dtype=torch.long, device=self.device)
        self.mask = torch.empty(slots, 1, 1, capacity, dtype=self.dtype, device=self.device)
        self._rebuild_mask()

    def _ensure_room(self, rows: int, columns: int, template: Any = None) -> None:
        """Grow the buffers (rows and columns to powers of two) to hold `rows` × `columns`:
        memory follows what runs, not the largest batch and context the model allows."""
        if rows <= self.allocated_slots and columns <= self.capacity:
            return
        if self.max_columns and columns > self.max_columns:
            raise RuntimeError(f"the batch needs {columns} key/value columns; the model holds {self.max_columns}")
        capacity = max(self.capacity, _ceil_pow2(columns, MIN_WIDTH))
        if self.max_columns:
            capacity = min(capacity, self.max_columns)
        self._allocate(template, max(self.allocated_slots, min(_ceil_pow2(rows), self.slots)), capacity)

    def _rebuild_mask(self) -> None:
        starts = torch.tensor(self.starts + [self.column] * (self.allocated_slots - self.rows), device=self.device)
        cols = torch.arange(self.capacity, device=self.device)
        valid = (cols >= starts[:, None]) & (cols < self.column)
        self.mask.copy_(additive_mask(valid, self.dtype))

    def _move_columns(self, source: int, target: int, count: int) -> None:
        """Copy columns [source, source+count) of the running rows to [target, target+count)."""
        if count <= 0 or source == target:
            return
        n = self.rows
        for t in self.keys + self.values:
            t[:n, :, target:target + count] = t[:n, :, source:source + count].clone()

    def _trim(self) -> None:
        """Cut off the columns before every row's first real one."""
        cut = min(self.starts) if self.starts else self.column
        if cut:
            self._move_columns(cut, 0, self.column - cut)
            self.starts = [s - cut for s in self.starts]
            self.column -= cut

    # ------------------------------------------------------------ what the scheduler calls

    def add(self, cache: Any, mask: torch.Tensor) -> None:
        """Put freshly prefilled rows (a DynamicCache over `mask`'s left-padded columns) in the
        next free slots."""
        new, width = mask.shape
        if self.rows + new > self.slots:
            raise RuntimeError(f"{self.rows + new} rows do not fit in {self.slots} slots")
        if self.rows == 0:
            self.column, self.starts = 0, []
        shift = max(0, width - self.column)
        self._ensure_room(self.rows + new, self.column + shift + 1, template=cache)
        if shift:  # the new prompts are longer than the running rows' history: move those right
            self._move_columns(0, shift, self.column)
            self.starts = [s + shift for s in self.starts]
            self.column += shift
        first = self.column - width
        for i, layer in enumerate(cache.layers):
            self.keys[i][self.rows:self.rows + new, :, first:self.column] = layer.keys
            self.values[i][self.rows:self.rows + new, :, first:self.column] = layer.values
        real = mask.to(torch.long).argmax(dim=1).tolist()  # first real column of each new row
        self.starts += [first + r for r in real]
        self.rows += new
        self._rebuild_mask()

    def keep(self, index: list[int]) -> None:
        """Keep only the rows at `index` (ascending), in that order, in slots 0…len−1."""
        for target, source in enumerate(index):
            if target != source:
                for t in self.keys + self.values:
                    t[target] = t[source]
        self.starts = [self.starts[i] for i in index]
        self.rows = len(index)
        if self.rows:
            self._trim()
        self._rebuild_mask()

    def step(self, tokens: list[int], positions: list[int], adapters: list[str] | None = None) -> torch.Tensor:
        """Feed each running row its next token; the last-position logits, (rows, vocab), float.

        `adapters`: each row's LoRA adapter ("__base__" for none), or None when no row uses one.
        A step with adapters runs eagerly; one without replays a graph where graphs are on."""
        n = len(tokens)
        if self.column + 1 > self.capacity:
            self._trim()
            self._ensure_room(n, self.column + 1)
            self._rebuild_mask()
        rows = min(_ceil_pow2(n), self.allocated_slots)
        width = min(_ceil_pow2(self.column + 1, MIN_WIDTH), self.capacity)
        self.ids[:n, 0] = torch.tensor(tokens)
        self.positions[:n, 0] = torch.tensor(positions)
        if rows > n:
            self.ids[n:rows] = 0
            self.positions[n:rows] = 0
        self.write_at.fill_(self.column)
        self.mask[:rows, 0, 0, self.column] = 0  # the new token; padding slots see only it
        if adapters is None:
            logits = self._run(rows, width)
        else:
            if self.routing is None:
                raise ValueError("this store was built without adapter routing")
            with self.routing.rows(list(adapters) + ["__base__"] * (rows - n)):  # padding slots: base
                logits = self.model(**self._inputs(rows, width)).logits
        self.column += 1
        return logits[:n, -1, :].float()

    # ------------------------------------------------------------ running a step

    def _inputs(self, rows: int, width: int) -> dict[str, Any]:
        cache = SlotCache([k[:rows, :, :width] for k in self.keys], [v[:rows, :, :width] for v in self.values],
                          self.write_at)
        window = self.mask[:rows, :, :, :width]
        return dict(input_ids=self.ids[:rows], position_ids=self.positions[:rows],
                    attention_mask={key: window for key in self._mask_keys}, use_cache=True, logits_to_keep=1,
                    **{cache_keyword(self.model): cache})

    def _run(self, rows: int, width: int) -> torch.Tensor:
        if not self.graphs:
            return self.model(**self._inputs(rows, width)).logits
        graph = self._graphs.get((rows, width))
        if graph is None:
            try:
                graph = self._capture(rows, width)
            except Exception:  # a model that cannot be captured still runs eagerly
                log.warning("could not capture a CUDA graph of a decode step: running eagerly", exc_info=True)
                self.graphs = False
                self._graphs.clear()
                return self.model(**self._inputs(rows, width)).logits
        graph[0].replay()
        return graph[1]

    def _capture(self, rows: int, width: int) -> tuple[torch.cuda.CUDAGraph, torch.Tensor]:
        inputs = self._inputs(rows, width)
        # Warm up on a side stream (lazy initialisations must not land in the graph). The warm-up
        # writes this step's keys and values at this step's column: what the replay writes too.
        side = torch.cuda.Stream(self.device)
        side.wait_stream(torch.cuda.current_stream(self.device))
        with torch.cuda.stream(side):
            for _ in range(2):
                self.model(**inputs)
        torch.cuda.current_stream(self.device).wait_stream(side)
        if self._pool is None:
            self._pool = torch.cuda.graph_pool_handle()
        graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(graph, pool=self._pool):
            logits = self.model(**inputs).logits
        self._graphs[(rows, width)] = (graph, logits)
        self.captured += 1
        log.info("captured a decode graph for %d rows × %d columns", rows, width)
        return graph, logits
