package dev.pagewire.spring;

import dev.pagewire.Page;
import dev.pagewire.servlet.PagewireFilter;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/**
 * Resolves a controller method's {@link Page} parameter to the page of the view the request renders
 * ({@link PagewireFilter#page}), made on first use; the filter then injects the client into the HTML.
 */
final class PageArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Page.class;
    }

    @Override
    public Page resolveArgument(
            MethodParameter parameter,
            ModelAndViewContainer mav,
            NativeWebRequest request,
            WebDataBinderFactory binders) {
        HttpServletRequest servletRequest = request.getNativeRequest(HttpServletRequest.class);
        if (servletRequest == null) {
            throw new IllegalStateException("a Page argument needs a servlet request, got " + request);
        }
        return PagewireFilter.page(servletRequest);
    }
}
