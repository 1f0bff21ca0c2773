# Reference values for src/lib/domain/early-warning/distributions.ts (the distribution functions
# the Farrington port needs), computed with base R. Needs no data:
#
#   Rscript tests/farrington/distributions.R      # writes tests/farrington/distributions.expected.json
#   npx prettier --write tests/farrington/distributions.expected.json
#
# Arguments span what farrington.ts asks for: normal quantiles of 1 - alpha, two-sided t tests of a
# trend with 50-70 degrees of freedom (and small ones), Poisson and negative binomial quantiles and
# tails for means from 1e-6 to a few hundred and dispersions from 1 to 10.
suppressPackageStartupMessages(library(jsonlite))

# Inputs as JSON will print them (15 significant digits), so that JS reads the same doubles.
roundtrip <- function(x) as.numeric(sprintf("%.15g", x))
p <- roundtrip(c(1e-12, 1e-6, 0.001, 0.01, 0.025, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.975, 0.99, 0.999, 1 - 1e-9))
z <- roundtrip(c(-8, -3.5, -1.96, -0.5, 0, 0.3, 1, 1.6448536269514722, 2.58, 5, 9))
t <- expand.grid(t = c(-4, -2.01, -0.7, 0, 0.1, 1.5, 2, 6), df = c(3, 10, 53, 70))
pois <- expand.grid(p = c(0.05, 0.5, 0.95), lambda = c(1e-6, 0.03, 0.9, 3.2, 17.5, 240))
nb <- expand.grid(p = c(0.05, 0.5, 0.95), mu = c(1e-4, 0.4, 3.2, 17.5, 240), phi = c(1.05, 1.6, 4, 10))
nb$size <- roundtrip(nb$mu / (nb$phi - 1))
nb$prob <- roundtrip(1 / nb$phi)
cdf <- expand.grid(k = c(0, 1, 4, 12, 60), mu = c(0.4, 3.2, 17.5), phi = c(1.3, 3))
cdf$size <- roundtrip(cdf$mu / (cdf$phi - 1))
cdf$prob <- roundtrip(1 / cdf$phi)

out <- list(
  about = paste("base R", R.version.string),
  qnorm = data.frame(p = p, value = qnorm(p)),
  pnormUpper = data.frame(z = z, value = pnorm(z, lower.tail = FALSE)),
  tTwoSided = data.frame(t = t$t, df = t$df, value = 2 * pt(-abs(t$t), t$df)),
  qpois = data.frame(p = pois$p, lambda = pois$lambda, value = qpois(pois$p, pois$lambda)),
  ppois = data.frame(k = cdf$k, lambda = cdf$mu, value = ppois(cdf$k, cdf$mu)),
  qnbinom = data.frame(p = nb$p, size = nb$size, prob = nb$prob,
                       value = qnbinom(nb$p, nb$size, nb$prob)),
  pnbinom = data.frame(k = cdf$k, size = cdf$size, prob = cdf$prob,
                       value = pnbinom(cdf$k, cdf$size, cdf$prob)),
  lgamma = data.frame(x = c(1e-5, 0.1, 0.5, 1, 2.5, 9.99, 10, 50.3, 1234.5),
                      value = lgamma(c(1e-5, 0.1, 0.5, 1, 2.5, 9.99, 10, 50.3, 1234.5)))
)
writeLines(toJSON(out, digits = I(17), auto_unbox = TRUE, pretty = TRUE),
           file.path("tests", "farrington", "distributions.expected.json"))
