// Some packages (kubernetes-models and its helpers) publish ES modules with only an "import" export
// condition; Jest resolves with "require". Retry such requests with "import" (Jest then transforms them).
module.exports = (request, options) => {
  try {
    return options.defaultResolver(request, options);
  } catch (error) {
    return options.defaultResolver(request, { ...options, conditions: ['import', 'default'] });
  }
};
