"""MultiheadAttention, with PyTorch's parameter layout (in_proj_weight, out_proj) and masks."""
from ..backend import xp_of
from ..tensor import Tensor
from ..tensor.args import int_arg
from . import functional as F
from . import init
from .linear import Linear, empty_parameter
from .module import Module


class MultiheadAttention(Module):
    """Each of `num_heads` heads attends with its own slice of the projected queries, keys and values.

    forward(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True, is_causal=False) -> (output, weights or None). Boolean masks are
    True where attention is *not* allowed; float masks are added to the scores. `is_causal=True`
    without a mask builds the causal mask (PyTorch insists on being given one).
    """

    def __init__(self, embed_dim, num_heads, dropout=0.0, bias=True, batch_first=False):
        super().__init__()
        embed_dim = int_arg(embed_dim, "MultiheadAttention", "embed_dim")
        num_heads = int_arg(num_heads, "MultiheadAttention", "num_heads", minimum=1)
        if embed_dim % num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim ({embed_dim}) must be divisible by num_heads "
                             f"({num_heads})")
        self.embed_dim, self.num_heads, self.dropout = embed_dim, num_heads, dropout
        self.batch_first, self.head_dim = batch_first, embed_dim // num_heads
        self.in_proj_weight = empty_parameter(3 * embed_dim, embed_dim)
        self.register_parameter("in_proj_bias", empty_parameter(3 * embed_dim) if bias else None)
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias)
        init.xavier_uniform_(self.in_proj_weight)
        if bias:
            init.zeros_(self.out_proj.bias)

    def _heads(self, x, which, batch):
        """Project (L, N, E) with the `which`-th third of in_proj and split into (N, heads, L, head_dim)."""
        E = self.embed_dim
        w = self.in_proj_weight[which * E:(which + 1) * E]
        b = None if self.in_proj_bias is None else self.in_proj_bias[which * E:(which + 1) * E]
        y = F.linear(x, w, b)
        return y.reshape(x.shape[0], batch * self.num_heads, self.head_dim).transpose(0, 1).reshape(
            batch, self.num_heads, x.shape[0], self.head_dim)

    def _combined_mask(self, attn_mask, key_padding_mask, batch, L, S, dtype, xp):
        """One additive float mask of shape (N, heads, L, S) (or broadcastable), or None."""
        mask = None
        if attn_mask is not None:
            m = F.additive_mask(attn_mask, dtype, xp).array
            if m.ndim == 3:
                if m.shape != (batch * self.num_heads, L, S):
                    raise ValueError(f"MultiheadAttention: 3-D attn_mask must have shape "
                                     f"{(batch * self.num_heads, L, S)}, got {m.shape}")
                m = m.reshape(batch, self.num_heads, L, S)
            elif m.shape != (L, S):
                raise ValueError(f"MultiheadAttention: 2-D attn_mask must have shape {(L, S)}, got {m.shape}")
            mask = m
        if key_padding_mask is not None:
            k = F.additive_mask(key_padding_mask, dtype, xp).array
            if k.shape != (batch, S):
                raise ValueError(f"MultiheadAttention: key_padding_mask must have shape {(batch, S)}, "
                                 f"got {k.shape}")
            k = k.reshape(batch, 1, 1, S)
            mask = k if mask is None else mask + k
        return mask

    def forward(self, query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
                average_attn_weights=True, is_causal=False):
        unbatched = query.ndim == 2
        if unbatched:
            query, key, value = (t.reshape(t.shape[0], 1, t.shape[1]) for t in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = getattr(key_padding_mask, "data", key_padding_mask)[None]
        elif self.batch_first:
            query, key, value = (t.transpose(0, 1) for t in (query, key, value))
        if query.shape[-1] != self.embed_dim:
            raise ValueError(f"MultiheadAttention: expected embedding size {self.embed_dim}, "
                             f"got query of shape {tuple(query.shape)}")
        L, N, S = query.shape[0], query.shape[1], key.shape[0]
        xp = xp_of(query.array)
        if is_causal and attn_mask is None:
            attn_mask = F.causal_mask(L, S, xp)
        mask = self._combined_mask(attn_mask, key_padding_mask, N, L, S, query.array.dtype, xp)
        q, k, v = self._heads(query, 0, N), self._heads(key, 1, N), self._heads(value, 2, N)
        dropout_p = self.dropout if self.training else 0.0
        out, weights = F.attention(q, k, v, None if mask is None else Tensor(mask), dropout_p)
        out = out.permute(2, 0, 1, 3).reshape(L, N, self.embed_dim)
        out = self.out_proj(out)
        if unbatched:
            out = out.reshape(L, self.embed_dim)
        elif self.batch_first:
            out = out.transpose(0, 1)
        if not need_weights:
            return out, None
        w = weights.mean(axis=1) if average_attn_weights else weights
        return out, (w.reshape(*w.shape[1:]) if unbatched else w)

    def extra_repr(self):
        return f"embed_dim={self.embed_dim}, num_heads={self.num_heads}, batch_first={self.batch_first}"
