# Reference values for the empirical-Bayes rates of src/lib/domain/rates.ts, computed with R spdep.
# Run from the repository root (Debian: apt-get install r-base-core r-cran-spdep); needs no data:
#
#   Rscript tests/spdep/eb-reference.R            # writes tests/spdep/eb.expected.json
#   npx prettier --write tests/spdep/eb.expected.json
#
# On the queen lattice of reference.R (a 6 x 6 grid plus one island) with counts and populations
# fixed below, it computes:
# - EBest(n, x): Marshall's (1991) global estimate;
# - EBlocal(ri, ni, nb, geoda = FALSE): spdep's default local estimate, whose local variance sums
#   n_j (x_j - m_j)^2 with each neighbour j's own local mean m_j;
# - EBlocal(ri, ni, nb, geoda = TRUE): the variant of GeoDa (Anselin, Lozano & Koschinsky 2006),
#   which sums n_j (x_j - m_i)^2 around the area's own local mean m_i.
# The two local variants differ wherever the local means differ, so the test can tell which one
# rates.ts computes. Rates are per 100,000.
suppressPackageStartupMessages(library(spdep))

grid <- cell2nb(6, 6, type = "queen")
lists <- c(lapply(seq_along(grid), function(i) as.integer(grid[[i]])), list(integer(0)))
nb <- lapply(lists, function(l) if (length(l) == 0) 0L else sort(as.integer(l)))
class(nb) <- "nb"
attr(nb, "region.id") <- as.character(seq_along(lists))
attr(nb, "sym") <- TRUE

# Small and large populations side by side, a few areas without events, and at least one event in
# every area and its neighbours (an all-zero set has no local rate: spdep gives NaN, 0/0). The
# last area is the island.
population <- c(
  420, 1850, 12400, 56000, 3100, 780,
  950, 640, 23000, 8700, 145000, 2600,
  31000, 4800, 1200, 530, 67000, 9900,
  15500, 2200, 880000, 41000, 7300, 360,
  5200, 96000, 1400, 12800, 300, 27500,
  690, 3800, 210000, 1750, 18600, 4400,
  2900
)
count <- c(
  3, 2, 9, 31, 0, 4,
  5, 6, 18, 3, 60, 1,
  40, 12, 0, 2, 22, 15,
  9, 0, 410, 55, 4, 1,
  3, 70, 5, 6, 0, 12,
  2, 1, 130, 3, 25, 8,
  2
)
stopifnot(length(population) == length(nb), length(count) == length(nb))

per <- 1e5
global <- EBest(count, population)
local <- EBlocal(count, population, nb, zero.policy = TRUE, geoda = FALSE)
geoda <- EBlocal(count, population, nb, zero.policy = TRUE, geoda = TRUE)

f17 <- function(v) ifelse(is.na(v), "null", sprintf("%.17g", v))
array <- function(v) paste0("[", paste(f17(v), collapse = ", "), "]")
json <- paste0(
  "{\n",
  sprintf("\"source\": \"tests/spdep/eb-reference.R, R spdep %s\",\n", packageVersion("spdep")),
  "\"per\": ", f17(per), ",\n",
  "\"count\": ", array(count), ",\n",
  "\"population\": ", array(population), ",\n",
  "\"neighbours\": [", paste(sapply(lists, function(l) paste0("[", paste(l - 1L, collapse = ", "), "]")),
    collapse = ", "), "],\n",
  "\"EBest\": ", array(global$estmm * per), ",\n",
  "\"EBlocal\": ", array(local$est * per), ",\n",
  "\"EBlocalGeoda\": ", array(geoda$est * per), "\n",
  "}\n"
)
out <- file.path("tests", "spdep", "eb.expected.json")
writeLines(json, out, sep = "")
differ <- abs(local$est - geoda$est) * per
cat(sprintf(
  "spdep %s; %d areas, EBlocal geoda = FALSE and TRUE differ in %d (at most %.6g per 100,000); written to %s\n",
  packageVersion("spdep"), length(nb), sum(differ > 1e-6), max(differ), out
))
