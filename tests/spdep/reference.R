# Reference values for src/lib/domain/spatial-autocorrelation.ts, computed with R spdep.
# Run from the repository root (Debian: apt-get install r-base-core r-cran-spdep):
#
#   RESILIENCIA_DB=.data/resiliencia.db npx tsx tests/spdep/export-inputs.ts   # homicide inputs
#   Rscript tests/spdep/reference.R
#   npx tsx tests/spdep/collect.ts                                          # writes the *.expected.json
#
# Weights as the app builds them: queen contiguity, row-standardised ("W"), islands with empty
# rows (zero.policy = TRUE); Gi* on the same neighbours with each area included (include.self).
suppressPackageStartupMessages(library(spdep))
out_dir <- file.path("tests", ".output", "spdep")
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)
f17 <- function(v) ifelse(is.na(v), "NaN", sprintf("%.17g", v))

nb_from_lists <- function(lists) {
  nb <- lapply(lists, function(l) if (length(l) == 0) 0L else sort(as.integer(l)))
  class(nb) <- "nb"
  attr(nb, "region.id") <- as.character(seq_along(lists))
  attr(nb, "sym") <- TRUE
  nb
}

statistics <- function(x, nb) {
  lw <- nb2listw(nb, style = "W", zero.policy = TRUE)
  lm <- localmoran(x, lw, zero.policy = TRUE)
  g <- localG(x, nb2listw(include.self(nb), style = "W"), return_internals = TRUE)
  data.frame(
    Ii = f17(lm[, "Ii"]), E = f17(lm[, "E.Ii"]), Var = f17(lm[, "Var.Ii"]), Z = f17(lm[, "Z.Ii"]),
    quadrant = as.character(attr(lm, "quadr")$pysal),
    G = f17(attr(g, "internals")[, "G*i"]), ZG = f17(as.numeric(g))
  )
}

# 1. A synthetic lattice: a 6 x 6 queen grid (a hot corner, a cold corner) plus one island.
grid <- cell2nb(6, 6, type = "queen")
lists <- c(lapply(seq_along(grid), function(i) as.integer(grid[[i]])), list(integer(0)))
x <- c(round(20 + 6 * sin(seq_len(36) / 2.5) + 4 * cos(seq_len(36) / 1.7), 6), 31.5)
x[c(1, 2, 7, 8)] <- x[c(1, 2, 7, 8)] + 25
nb <- nb_from_lists(lists)
lattice <- statistics(x, nb)
lattice$x <- f17(x)
lattice$neighbours <- sapply(lists, function(l) paste(l - 1L, collapse = " "))
write.csv(lattice, file.path(out_dir, "lattice.csv"), row.names = FALSE)

# R's Benjamini-Hochberg on a fixed vector, NA kept out.
p <- c(0.01, 0.04, 0.03, 0.2, 0.5, 0.001, NA, 0.04, 0.049, 0.9)
write.csv(data.frame(p = f17(p), bh = f17(p.adjust(p, "BH"))), file.path(out_dir, "bh.csv"), row.names = FALSE)

# 2. Homicide rates in 2019 from the prepared database (see export-inputs.ts).
values_file <- file.path(out_dir, "homicide-2019-values.csv")
if (file.exists(values_file)) {
  values <- read.csv(values_file, colClasses = c("character", "numeric"))
  pairs <- read.csv(file.path(out_dir, "homicide-2019-neighbours.csv"), colClasses = "character")
  index <- setNames(seq_len(nrow(values)), values$code)
  lists <- lapply(values$code, function(code) unname(index[pairs$neighbour[pairs$code == code]]))
  homicide <- statistics(values$value, nb_from_lists(lists))
  homicide$code <- values$code
  write.csv(homicide, file.path(out_dir, "homicide-2019.csv"), row.names = FALSE)
  cat(sprintf("homicide 2019: %d municipalities, %d islands\n", nrow(values), sum(lengths(lists) == 0)))
}
cat(sprintf("spdep %s; written to %s\n", packageVersion("spdep"), out_dir))
