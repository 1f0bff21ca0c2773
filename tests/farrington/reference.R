# Reference values for src/lib/domain/early-warning/farrington.ts from R surveillance's
# farringtonFlexible, on the monthly series written by export-inputs.ts. For the last 36 months of
# each series and four configurations it writes R's expected value, upper bound, alarm, trend and
# dispersion to tests/.output/farrington/reference.csv; collect.ts turns that into
# farrington.expected.json.
#
#   Rscript tests/farrington/reference.R          (from the repository root)
#
# The series is an sts without dates (epochAsDate = FALSE, freq = 12): time is the month's
# position and the reference months are exactly 12, 24, ... back, as in farrington.ts.
suppressPackageStartupMessages(library(surveillance))

dir <- file.path("tests", ".output", "farrington")
inputs <- read.csv(file.path(dir, "inputs.csv"), colClasses = c(code = "character"))

# Two synthetic series for the degenerate fits: a reference period without a single case (R's IRLS
# then drifts towards mu = 0 until its deviance test passes) followed by a few cases, and a sparse
# Poisson series (seasonal levels without cases).
synthetic <- function(id, counts) {
  data.frame(series = id, category = "synthetic", code = "", name = id,
             month = inputs$month[seq_along(counts)], count = counts)
}
set.seed(16)
inputs <- rbind(inputs,
                synthetic("synthetic-zeros", c(rep(0, 160), c(0, 1, 0, 0, 2, 0, 0, 0, 3, 1, 0, 0, 0, 5, 0, 1, 0, 0, 0, 2))),
                synthetic("synthetic-sparse", rpois(180, 0.3)))
write.csv(inputs, file.path(dir, "series.csv"), row.names = FALSE, quote = FALSE)

# The monthly defaults of farrington.ts (R's defaults with freq = 12 and Noufaily's 10 levels),
# and the variants the tests also check.
base <- list(b = 5, w = 3, reweight = TRUE, weightsThreshold = 2.58, alpha = 0.05,
             trend = TRUE, pThresholdTrend = 0.05, limit54 = c(5, 4), powertrans = "2/3",
             noPeriods = 10, pastWeeksNotIncluded = 3, thresholdMethod = "delta",
             glmWarnings = FALSE)
configs <- list(
  default = list(),
  windowsOnly = list(noPeriods = 1),
  noReweight = list(reweight = FALSE),
  nbPlugin = list(thresholdMethod = "nbPlugin")
)
evaluated <- 36

num <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))
rows <- list()
for (id in unique(inputs$series)) {
  counts <- inputs$count[inputs$series == id]
  n <- length(counts)
  range <- (n - evaluated + 1):n
  s <- sts(observed = matrix(counts, ncol = 1), start = c(2010, 1), frequency = 12)
  for (name in names(configs)) {
    control <- modifyList(base, configs[[name]])
    control$range <- range
    # limit54 only masks the bound and the expectation (NA without enough cases): run once as
    # configured for the alarms, once with limit54 = c(0, 4) for every bound and expectation.
    withLimit <- farringtonFlexible(s, control = control)
    unmasked <- farringtonFlexible(s, control = modifyList(control, list(limit54 = c(0, 4))))
    rows[[length(rows) + 1]] <- data.frame(
      series = id,
      config = name,
      k = range,
      observed = counts[range],
      alarm = as.integer(alarms(withLimit)[, 1]),
      masked = as.integer(is.na(upperbound(withLimit)[, 1])),
      upperbound = num(upperbound(unmasked)[, 1]),
      expected = num(unmasked@control$expected[, 1]),
      phi = num(unmasked@control$phiVector[, 1]),
      trend = as.integer(unmasked@control$trend[, 1]),
      trendCoefficient = num(unmasked@control$trendVector[, 1]),
      pvalue = num(unmasked@control$pvalue[, 1])
    )
  }
}
out <- do.call(rbind, rows)
write.csv(out, file.path(dir, "reference.csv"), row.names = FALSE, quote = FALSE)
writeLines(c(R.version.string, paste("surveillance", as.character(packageVersion("surveillance")))),
           file.path(dir, "versions.txt"))
cat(nrow(out), "rows written to", dir, "\n")
