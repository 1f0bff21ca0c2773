# Reference values for src/lib/domain/emerging-hot-spots.ts (Emerging Hot Spot Analysis), computed
# with R spdep and R's stats. Run from the repository root (Debian: apt-get install r-base-core
# r-cran-spdep); needs no data:
#
#   Rscript tests/ehsa/reference.R               # writes tests/ehsa/ehsa.expected.json
#   npx prettier --write tests/ehsa/ehsa.expected.json
#
# A 12 x 12 queen lattice, numbered row by row, cut into 16 blocks of 3 x 3 cells, over 10 time
# steps. Each block gets one designed history (a bump of high or low values in chosen steps) over
# a smooth deterministic background, so that every one of ArcGIS's 17 patterns occurs; cells on
# block edges mix their neighbours' histories and give the less tidy cases.
# Per step: Gi* z = localG(x, nb2listw(include.self(nb), style = "W")), its two-sided normal
# p-value and p.adjust(p, "BH"). Per location: the Mann-Kendall test of its z series,
# cor.test(z, 1:n, method = "kendall", exact = FALSE), and the pattern, classified below by a
# plain reading of ArcGIS Pro's "How Emerging Hot Spot Analysis works" (the same choices as the
# comment of classifyEmergingPattern in emerging-hot-spots.ts).
suppressPackageStartupMessages(library(spdep))

side <- 12L
steps <- 10L
amplitude <- 10
alpha <- 0.05
n <- side * side

neighbours <- lapply(seq_len(n) - 1L, function(i) {
  r <- i %/% side
  c <- i %% side
  out <- integer(0)
  for (dr in -1:1) for (dc in -1:1) {
    rr <- r + dr
    cc <- c + dc
    if ((dr != 0 || dc != 0) && rr >= 0 && rr < side && cc >= 0 && cc < side) out <- c(out, rr * side + cc)
  }
  sort(out)
})
nb <- lapply(neighbours, function(l) as.integer(l + 1L))
class(nb) <- "nb"
attr(nb, "region.id") <- as.character(seq_len(n))
attr(nb, "sym") <- TRUE
lw <- nb2listw(include.self(nb), style = "W")

# The designed histories: blocks 0-7 hot, 8-15 their cold mirrors.
bump <- function(block, t) {
  s <- if (block < 8) 1 else -1
  switch(block %% 8 + 1,
    if (t == steps) s * amplitude else 0,                                   # new
    if (t >= steps - 2) s * amplitude else 0,                               # consecutive
    s * (8 + t),                                                            # intensifying
    s * amplitude * (1 + 0.3 * (if (t %% 2 == 1) 1 else -1)),               # persistent
    s * (19 - t),                                                           # diminishing
    if (t %in% c(2, 5, steps)) s * amplitude else 0,                        # sporadic
    if (t == 3) -s * amplitude else if (t %in% c(6, steps)) s * amplitude else 0, # oscillating
    if (t < steps) s * amplitude else 0                                     # historical
  )
}
cell <- seq_len(n) - 1L
block <- (cell %/% side) %/% 3 * 4 + (cell %% side) %/% 3
series <- lapply(seq_len(steps), function(t) {
  i <- cell + 1
  noise <- 1.5 * sin(1.7 * i + 2.3 * t) + cos(0.9 * i * t + 0.4 * i)
  round(20 + noise + sapply(block, bump, t = t), 6)
})

z <- sapply(series, function(x) as.numeric(localG(x, lw)))            # n x steps
p <- 2 * pnorm(abs(z), lower.tail = FALSE)
p_bh <- apply(p, 2, p.adjust, method = "BH")
classes <- ifelse(p_bh <= alpha, sign(z), 0)

mann_kendall <- function(v) {
  test <- cor.test(v, seq_along(v), method = "kendall", exact = FALSE)
  pairs <- combn(length(v), 2)
  list(
    s = sum(sign(v[pairs[2, ]] - v[pairs[1, ]])),
    tau = unname(test$estimate), z = unname(test$statistic), p = test$p.value
  )
}

# ArcGIS Pro's patterns; see classifyEmergingPattern for the quoted definitions.
classify <- function(cl, tau, p) {
  m <- length(cl)
  last <- cl[m]
  before <- cl[-m]
  name <- function(pattern, s) sprintf("%s-%s-spot", pattern, if (s == 1) "hot" else "cold")
  for (s in c(1, -1)) {                                                   # at least 90 % first
    if (sum(cl == s) / m < 0.9) next
    if (last != s) return(name("historical", s))                          # not hot at the end
    if (p <= alpha && sign(tau) == s) return(name("intensifying", s))
    if (p <= alpha && sign(tau) == -s) return(name("diminishing", s))
    return(name("persistent", s))
  }
  if (last == 0) return("no-pattern")
  if (any(before == -last)) return(name("oscillating", last))             # an earlier opposite spot
  if (!any(before == last)) return(name("new", last))                     # never before
  run <- rle(rev(cl))$lengths[1]                                          # the final run
  if (run >= 2 && !any(cl[seq_len(m - run)] == last)) return(name("consecutive", last))
  name("sporadic", last)
}

trends <- lapply(seq_len(n), function(i) mann_kendall(z[i, ]))
categories <- sapply(seq_len(n), function(i) classify(classes[i, ], trends[[i]]$tau, trends[[i]]$p))

# Mann-Kendall with tied values, against cor.test's tie correction.
tied <- list(
  c(1, 2, 2, 3, 1, 4, 4, 4, 5, 0),
  c(3, 3, 3, 2, 2, 1, 5, 5, 0, 0, 7, 7),
  c(0.5, 0.25, 0.25, 0.25, 1, 1.5, 1.5, 2)
)

f17 <- function(v) ifelse(is.na(v), "null", sprintf("%.17g", v))
vec <- function(v) paste0("[", paste(f17(v), collapse = ", "), "]")
int_vec <- function(v) paste0("[", paste(v, collapse = ", "), "]")
mk_json <- function(t) sprintf("{\"s\": %s, \"tau\": %s, \"z\": %s, \"p\": %s}", f17(t$s), f17(t$tau), f17(t$z), f17(t$p))
json <- paste0(
  "{\n",
  sprintf("\"source\": \"tests/ehsa/reference.R, R %s, spdep %s\",\n", getRversion(), packageVersion("spdep")),
  sprintf("\"alpha\": %s,\n", alpha),
  "\"neighbours\": [", paste(sapply(neighbours, int_vec), collapse = ", "), "],\n",
  "\"series\": [", paste(sapply(series, vec), collapse = ",\n"), "],\n",
  "\"z\": [", paste(apply(z, 2, vec), collapse = ",\n"), "],\n",
  "\"p\": [", paste(apply(p, 2, vec), collapse = ",\n"), "],\n",
  "\"pBH\": [", paste(apply(p_bh, 2, vec), collapse = ",\n"), "],\n",
  "\"trends\": [", paste(sapply(trends, mk_json), collapse = ",\n"), "],\n",
  "\"categories\": [", paste(sprintf("\"%s\"", categories), collapse = ", "), "],\n",
  "\"tied\": [", paste(sapply(tied, function(v) sprintf("{\"values\": %s, \"trend\": %s}", vec(v), mk_json(mann_kendall(v)))), collapse = ",\n"), "]\n",
  "}\n"
)
out <- file.path("tests", "ehsa", "ehsa.expected.json")
writeLines(json, out, sep = "")
cat(sprintf("%d locations x %d steps; patterns: %s\nwritten to %s\n", n, steps,
  paste(sprintf("%s %d", names(table(categories)), table(categories)), collapse = ", "), out))
