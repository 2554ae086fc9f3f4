"""The learned coder's features: its named words, and a few themes they share.

A decision teaches the model the words of the sentence decided; a paraphrase that shares
none of them stays unseen. Latent semantic analysis (scikit-learn's ``TruncatedSVD`` of
the TF-IDF features of every sentence of the study, the usual low-rank view of a corpus)
finds the themes words take part in together across the corpus: a sentence that speaks of
a theme with other words than the decided one lands near it. The themes are an extra
block beside the named features, weighing less (``THEME_WEIGHT``); each is named by the
three words that weigh most in it (``theme ramah / baik / sudah``), so an explanation that
cites one can still be read. Measured on the sample's hand coding (docs/learning.md):
it helps most where the codebook finds little and the decisions are few.

scikit-learn is imported only when a vectoriser is fitted.
"""

from __future__ import annotations

#: How many themes: fewer than the features and the sentences, or none.
THEMES = 50
#: The themes' block weight against the named features' (both of unit length first).
THEME_WEIGHT = 0.5
#: How many words name a theme.
THEME_WORDS = 3
SEED = 0


def _as_is(document: list[str]) -> list[str]:
    return document


class ThemedVectorizer:
    """TF-IDF of the named features, beside their ``THEMES`` LSA themes; rows of unit
    length, so that the product of two is their cosine similarity."""

    def __init__(self, themes: int | None = None, weight: float | None = None) -> None:
        self.themes = THEMES if themes is None else themes
        self.weight = THEME_WEIGHT if weight is None else weight
        self.words = None
        self.svd = None
        self._names = None

    def fit_transform(self, documents: list[list[str]]):
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.words = TfidfVectorizer(analyzer=_as_is, sublinear_tf=True, min_df=1, lowercase=False)
        matrix = self.words.fit_transform(documents)
        themes = min(self.themes, matrix.shape[1] - 1, matrix.shape[0] - 1)
        self.svd = None
        if themes >= 2 and self.weight > 0:
            import numpy as np
            from threadpoolctl import threadpool_limits

            # One thread: the matrices are small, and on a busy machine the BLAS threads
            # competing for the cores made the fit two to five times slower. A corpus of
            # one sentence said again has no variance: its ratio is 0 / 0.
            with threadpool_limits(1), np.errstate(invalid="ignore", divide="ignore"):
                self.svd = TruncatedSVD(n_components=themes, random_state=SEED).fit(matrix)
        self._names = None
        return self._joined(matrix)

    def transform(self, documents: list[list[str]]):
        return self._joined(self.words.transform(documents))

    def _joined(self, matrix):
        if self.svd is None:
            return matrix
        import scipy.sparse as sp
        from sklearn.preprocessing import normalize

        themes = normalize(self.svd.transform(matrix)) * self.weight
        return normalize(sp.hstack([matrix, sp.csr_matrix(themes)]).tocsr())

    def get_feature_names_out(self):
        """The named features, then each theme named by its words that weigh most."""
        import numpy as np

        if self._names is None:
            names = self.words.get_feature_names_out()
            themes = []
            if self.svd is not None:
                words = np.flatnonzero(np.char.startswith(names.astype(str), "word "))
                for component in self.svd.components_:
                    top = words[np.argsort(-np.abs(component[words]), kind="stable")]
                    themes.append("theme " + " / ".join(names[i][5:] for i in top[:THEME_WORDS]))
            self._names = np.asarray([*names, *themes], dtype=object)
        return self._names
